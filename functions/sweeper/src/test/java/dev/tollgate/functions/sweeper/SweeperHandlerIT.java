package dev.tollgate.functions.sweeper;

import static dev.tollgate.testing.EmfDocuments.assertMetric;
import static dev.tollgate.testing.EmfDocuments.assertValid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.Services;
import dev.tollgate.billing.Hold;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.log.Log;
import dev.tollgate.testing.EmfDocuments;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaContexts;
import dev.tollgate.testkit.RepoRoot;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Sweeper Lambda handler with the EventBridge event of events/sweeper/scheduled.json. */
class SweeperHandlerIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    @Test
    void releasesHoldsOfCrashedRequestsOnceExpired() throws Exception {
        Services now = TestServices.services(DYNAMO);
        String account = now.accountService().create(Account.Type.PERSONAL, Plan.PRO, "t", "test").id();
        now.accountService().topUp(account, 5 * CREDIT, "seed", "test");
        Hold orphan = now.ledger().reserve(account, 2 * CREDIT, "req_crashed", Duration.ofMinutes(5));

        Map<String, Object> event = new ObjectMapper().readValue(
                Files.readString(RepoRoot.find().resolve("events/sweeper/scheduled.json")), new TypeReference<>() { });
        Map<String, Object> early = new SweeperHandler(now).handleRequest(event, null);
        assertEquals(0, early.get("released"));
        assertEquals(3 * CREDIT, now.ledger().balance(account).available());

        Clock sixMinutesLater = Clock.fixed(Instant.now().plus(Duration.ofMinutes(6)), ZoneOffset.UTC);
        Services later = Services.create(TestServices.config(DYNAMO, Map.of()), sixMinutesLater, null);
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(logs, true, StandardCharsets.UTF_8));
        Context context = (Context) LambdaContexts.create(Context.class.getClassLoader(),
                "tollgate-test-SweeperFunction");
        Map<String, Object> result;
        try {
            result = new SweeperHandler(later).handleRequest(event, context);
        } finally {
            Log.setOutput(System.out);
        }
        assertEquals(1, result.get("released"), result.toString());
        List<JsonNode> lines = EmfDocuments.lines(logs.toString(StandardCharsets.UTF_8));
        for (JsonNode line : lines) {
            assertEquals(context.getAwsRequestId(), line.path("lambda_request_id").asText(), line.toString());
            assertEquals(event.get("id"), line.path("event_id").asText(), line.toString());
        }
        JsonNode emf = lines.get(lines.size() - 1);
        assertValid(emf);
        assertEquals("sweep finished", emf.path("msg").asText());
        assertMetric(emf, "HoldsReleased", 1);
        assertMetric(emf, "HoldsExpired", 1);
        assertMetric(emf, "HoldsReleaseFailed", 0);
        assertEquals(5 * CREDIT, now.ledger().balance(account).available());
        assertEquals(0, now.ledger().balance(account).held());
        assertEquals(orphan.holdId(), now.ledger().entries(account, null, 1).items().get(0).holdId());
    }
}
