package dev.tollgate.functions.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.Credits;
import dev.tollgate.testing.JarBackends;
import dev.tollgate.testing.LambdaJarChecks;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded OpenAiFunction jar alone (minimized) answers a credits-mode chat completion: DynamoDB Local, the
 * platform key decrypted through KMS (moto_server when installed, else the local keyring), HttpClient 5 to a
 * WireMock Anthropic, and the answer in OpenAI's shape.
 */
class OpenAiLambdaJarIT {
    private static final String PLATFORM_KEY = "sk-ant-api03-platPLATplatPLATplatPLATplatPLAT0001";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    @RegisterExtension
    static final JarBackends BACKENDS = JarBackends.withUpstream(upstream -> upstream.stubFor(
            post(urlPathEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(PLATFORM_KEY))
                    .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                            "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4\","
                                    + "\"content\":[{\"type\":\"text\",\"text\":\"Hello.\"}],\"stop_reason\":\"end_turn\","
                                    + "\"usage\":{\"input_tokens\":12,\"output_tokens\":3}}"))));

    @Test
    void theJarAloneAnswersAChatCompletion() throws Exception {
        JarBackends.Seeded seeded = BACKENDS.seed(DYNAMO, "anthropic", PLATFORM_KEY, 10 * Credits.MICROS_PER_CREDIT);
        var customer = seeded.customer();
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.openai.OpenAiHandler", seeded.config().asMap());

            JsonNode response = jar.invoke(handler, event("openai/chat-completion.json", customer.placeholders()),
                    "OpenAiFunction");
            assertEquals(200, response.path("statusCode").asInt(), response.toString());
            assertEquals("Hello.", body(response).path("choices").path(0).path("message").path("content").asText(),
                    response.toString());

            LambdaJarChecks.assertHealthy(jar, 1);
        }
        assertTrue(seeded.services().ledger().balance(customer.accountId()).available()
                        < 10 * Credits.MICROS_PER_CREDIT,
                "the call was charged");
    }
}
