package dev.tollgate.functions.execute;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * The shaded ExecuteFunction jar alone (minimized) runs a credits-mode execute end to end: DynamoDB Local, the
 * platform key decrypted through KMS (moto_server when installed, else the local keyring), the input schema
 * validator, and HttpClient 5 to a WireMock upstream.
 */
class ExecuteCreditsLambdaJarIT {
    private static final String PLATFORM_KEY = "tvly-platPLATplatPLATplat01";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static MotoServer moto;
    private static WireMockServer upstream;

    @BeforeAll
    static void start() {
        moto = MotoServer.available() ? MotoServer.start() : null;
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(post(urlPathEqualTo("/search")).withHeader("Authorization", equalTo("Bearer " + PLATFORM_KEY))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"results\":[]}")));
    }

    @AfterAll
    static void stop() {
        upstream.stop();
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void theJarAloneRunsACreditsCall() throws Exception {
        Config config = TestServices.configWithKms(DYNAMO, moto, Map.of("TOLLGATE_UPSTREAM_TAVILY_URL",
                upstream.baseUrl(), "TOLLGATE_ALLOW_PRIVATE_UPSTREAMS", "true"));
        Services seed = Services.create(config);
        seed.keyRegistry().setPlatformKey("test", "tavily", PLATFORM_KEY);
        var customer = LambdaJarChecks.customer(seed, Plan.PRO, 10 * Credits.MICROS_PER_CREDIT);
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.execute.ExecuteHandler", config.asMap());

            JsonNode response = jar.invoke(handler, event("execute/tavily-search.json", customer.placeholders()),
                    "ExecuteFunction");
            assertEquals(200, response.path("statusCode").asInt(), response.toString());
            JsonNode billing = body(response).path("billing");
            assertEquals("credits", billing.path("mode").asText(), response.toString());
            assertEquals(1, billing.path("credits_charged").asInt());

            LambdaJarChecks.assertHealthy(jar, 1);
        }
        assertEquals(9 * Credits.MICROS_PER_CREDIT, seed.ledger().balance(customer.accountId()).available());
    }
}
