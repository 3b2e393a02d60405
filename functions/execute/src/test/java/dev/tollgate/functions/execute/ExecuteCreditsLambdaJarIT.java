package dev.tollgate.functions.execute;

import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.Credits;
import dev.tollgate.testing.JarBackends;
import dev.tollgate.testing.LambdaJarChecks;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaJar;
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

    @RegisterExtension
    static final JarBackends BACKENDS = JarBackends.withTavilySearch(PLATFORM_KEY);

    @Test
    void theJarAloneRunsACreditsCall() throws Exception {
        JarBackends.Seeded seeded = BACKENDS.seed(DYNAMO, "tavily", PLATFORM_KEY, 10 * Credits.MICROS_PER_CREDIT);
        var customer = seeded.customer();
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.execute.ExecuteHandler", seeded.config().asMap());

            JsonNode response = jar.invoke(handler, event("execute/tavily-search.json", customer.placeholders()),
                    "ExecuteFunction");
            assertEquals(200, response.path("statusCode").asInt(), response.toString());
            JsonNode billing = body(response).path("billing");
            assertEquals("credits", billing.path("mode").asText(), response.toString());
            assertEquals(1, billing.path("credits_charged").asInt());

            LambdaJarChecks.assertHealthy(jar, 1);
        }
        assertEquals(9 * Credits.MICROS_PER_CREDIT,
                seeded.services().ledger().balance(customer.accountId()).available());
    }
}
