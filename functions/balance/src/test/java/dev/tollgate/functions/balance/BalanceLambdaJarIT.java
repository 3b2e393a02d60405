package dev.tollgate.functions.balance;

import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.LambdaJarChecks;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaJar;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shaded BalanceFunction jar alone (minimized) serves its routes against DynamoDB Local, and the API contract. */
class BalanceLambdaJarIT {
    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    @Test
    void theJarAloneServesTheBalanceContractAndCatchAllRoutes() throws Exception {
        Config config = TestServices.config(DYNAMO, Map.of());
        var customer = LambdaJarChecks.customer(Services.create(config), Plan.PRO, 5 * Credits.MICROS_PER_CREDIT);
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.balance.BalanceHandler", config.asMap());

            JsonNode key = jar.invoke(handler, event("balance/get-key.json", customer.placeholders()),
                    "BalanceFunction");
            assertEquals(200, key.path("statusCode").asInt(), key.toString());
            assertEquals(5, body(key).path("credits_remaining").asInt(), key.toString());
            JsonNode unknown = jar.invoke(handler, event("balance/unknown-route.json", customer.placeholders()),
                    "BalanceFunction");
            assertEquals(404, unknown.path("statusCode").asInt(), unknown.toString());
            assertEquals("not_found", body(unknown).path("error").path("code").asText());

            JsonNode contract = jar.invoke(handler, event("balance/get-openapi.json", Map.of()), "BalanceFunction");
            assertEquals(200, contract.path("statusCode").asInt(), contract.toString());
            assertEquals("3.1.0", body(contract).path("openapi").asText(), "the YAML contract parsed in the jar");

            LambdaJarChecks.assertHealthy(jar, 3);
        }
    }
}
