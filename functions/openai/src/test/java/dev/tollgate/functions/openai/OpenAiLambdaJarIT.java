package dev.tollgate.functions.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.LambdaJarChecks;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaJar;
import dev.tollgate.testkit.MotoServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    private static MotoServer moto;
    private static WireMockServer upstream;

    @BeforeAll
    static void start() {
        moto = MotoServer.available() ? MotoServer.start() : null;
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).withHeader("x-api-key", equalTo(PLATFORM_KEY))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4\","
                                + "\"content\":[{\"type\":\"text\",\"text\":\"Hello.\"}],\"stop_reason\":\"end_turn\","
                                + "\"usage\":{\"input_tokens\":12,\"output_tokens\":3}}")));
    }

    @AfterAll
    static void stop() {
        upstream.stop();
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void theJarAloneAnswersAChatCompletion() throws Exception {
        Config config = TestServices.configWithKms(DYNAMO, moto, Map.of("TOLLGATE_UPSTREAM_ANTHROPIC_URL",
                upstream.baseUrl(), "TOLLGATE_ALLOW_PRIVATE_UPSTREAMS", "true"));
        Services seed = Services.create(config);
        seed.keyRegistry().setPlatformKey("test", "anthropic", PLATFORM_KEY);
        var customer = LambdaJarChecks.customer(seed, Plan.PRO, 10 * Credits.MICROS_PER_CREDIT);
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.openai.OpenAiHandler", config.asMap());

            JsonNode response = jar.invoke(handler, event("openai/chat-completion.json", customer.placeholders()),
                    "OpenAiFunction");
            assertEquals(200, response.path("statusCode").asInt(), response.toString());
            assertEquals("Hello.", body(response).path("choices").path(0).path("message").path("content").asText(),
                    response.toString());

            LambdaJarChecks.assertHealthy(jar, 1);
        }
        assertTrue(seed.ledger().balance(customer.accountId()).available() < 10 * Credits.MICROS_PER_CREDIT,
                "the call was charged");
    }
}
