package dev.tollgate.functions.sweeper;

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
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shaded SweeperFunction jar alone (minimized) releases an expired hold in DynamoDB Local. */
class SweeperLambdaJarIT {
    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    @Test
    void theJarAloneReleasesAnExpiredHold() throws Exception {
        Config config = TestServices.config(DYNAMO, Map.of());
        Services tenMinutesAgo = Services.create(config, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10)),
                null);
        var customer = LambdaJarChecks.customer(tenMinutesAgo, Plan.PRO, 5 * Credits.MICROS_PER_CREDIT);
        tenMinutesAgo.ledger().reserve(customer.accountId(), 2 * Credits.MICROS_PER_CREDIT, "req_crashed",
                Duration.ofMinutes(5));
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.sweeper.SweeperHandler", config.asMap());

            JsonNode result = jar.invoke(handler, event("sweeper/scheduled.json", Map.of()), "SweeperFunction");
            assertEquals(1, result.path("released").asInt(), result.toString());

            LambdaJarChecks.assertHealthy(jar, 1);
            JsonNode summary = jar.logLines().get(jar.logLines().size() - 1);
            assertEquals(1, summary.path("HoldsReleased").asInt(), summary.toString());
        }
        assertEquals(5 * Credits.MICROS_PER_CREDIT, tenMinutesAgo.ledger().balance(customer.accountId()).available());
    }
}
