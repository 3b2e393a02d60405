package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.billing.Hold;
import dev.tollgate.billing.IdempotencyRecord;
import dev.tollgate.billing.IdempotencyStore;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Quote;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.DynamoExtension;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The claim stage on DynamoDB Local: the idempotency claim and the hold are taken together or not at all. */
class CallClaimIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;
    private static CallClaim stage;
    private static IdempotencyClaims claims;

    @BeforeAll
    static void start() {
        h = ExecutionHarness.start(DYNAMO);
        ExecutionService.Settings settings = ExecutionService.Settings.from(h.config);
        claims = new IdempotencyClaims(h.services.idempotencyStore(), Clock.systemUTC(), settings);
        stage = new CallClaim(h.services.ledger(), h.services.idempotencyStore(), claims, settings.holdTtl());
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static final String FINGERPRINT = Fingerprints.of(Json.object().put("query", "claims"));

    private static CallAttempt search(Acting acting, String idempotencyKey) {
        Operation operation = h.services.catalog().operation("tavily", "search").orElseThrow();
        ObjectNode input = Json.object().put("query", "claims");
        String requestId = Ids.newId("req");
        return new CallAttempt(acting, new ExecutionRequest("tavily", "search", input, idempotencyKey, requestId, input),
                h.services.catalog().provider("tavily").orElseThrow(), operation, requestId, Instant.now());
    }

    private static Quote quote(CallAttempt a) {
        return a.operation.pricing().quote((ObjectNode) a.request.input());
    }

    private static Optional<IdempotencyRecord> record(Acting acting, String key) {
        return h.services.idempotencyStore().find(acting.accountId(), key, Instant.now());
    }

    @Test
    void aKeyedCreditsCallTakesItsClaimAndItsHoldInOneWrite() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        CallAttempt a = search(acting, "claim-and-hold");
        Quote quote = quote(a);

        CallClaim.Taken taken = stage.claimAndHold(a, quote, FINGERPRINT);

        assertNull(taken.lostTo());
        assertNotNull(taken.claim());
        Hold hold = h.services.ledger().hold(taken.hold().holdId()).orElseThrow();
        assertEquals(Hold.Status.OPEN, hold.status());
        assertEquals(quote.holdMicros(), hold.amount());
        assertEquals(hold.holdId(), a.holdId);
        IdempotencyRecord claimed = record(acting, "claim-and-hold").orElseThrow();
        assertEquals(IdempotencyRecord.Status.IN_PROGRESS, claimed.status());
        assertEquals(a.requestId, claimed.ownerRequestId());
        assertEquals(10 * CREDIT - quote.holdMicros(), h.balance(acting).available());
    }

    @Test
    void aSecondRequestWithAKeyInFlightHoldsNothing() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        CallAttempt first = search(acting, "in-flight");
        long price = quote(first).holdMicros();
        stage.claimAndHold(first, quote(first), FINGERPRINT);

        CallAttempt second = search(acting, "in-flight");
        TollgateException e = assertThrows(TollgateException.class,
                () -> stage.claimAndHold(second, quote(second), FINGERPRINT));

        assertEquals(ErrorCode.REQUEST_IN_PROGRESS, e.code());
        assertNull(second.holdId);
        assertEquals(10 * CREDIT - price, h.balance(acting).available(), "one hold, not two");
    }

    @Test
    void aKeyAnsweredMeanwhileIsReplayedAndHoldsNothing() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        CallAttempt first = search(acting, "answered");
        IdempotencyStore store = h.services.idempotencyStore();
        assertTrue(store.claim(claims.claimFor(first, FINGERPRINT)));
        StoredResponses.Encoded stored = StoredResponses.encode(Json.object().put("answer", "first"));
        h.services.atomicWriter().commit(List.of(store.completeWrite(acting.accountId(), "answered", first.requestId,
                200, stored.bytes(), stored.gzip())));

        CallAttempt second = search(acting, "answered");
        CallClaim.Taken taken = stage.claimAndHold(second, quote(second), FINGERPRINT);

        assertTrue(taken.lostTo().replayed());
        assertEquals("first", taken.lostTo().body().path("answer").asText());
        assertNull(taken.hold());
        assertEquals(10 * CREDIT, h.balance(acting).available());
    }

    @Test
    void aBalanceBelowThePriceLeavesNeitherHoldNorClaim() {
        Acting acting = h.account(Plan.PRO, 1);
        CallAttempt a = search(acting, "too-poor");

        TollgateException e = assertThrows(TollgateException.class,
                () -> stage.claimAndHold(a, quote(a), FINGERPRINT));

        assertEquals(ErrorCode.INSUFFICIENT_CREDITS, e.code());
        assertTrue(record(acting, "too-poor").isEmpty(), "the claim was written with the hold, so neither exists");
        assertNull(a.holdId);
        assertEquals(1, h.balance(acting).available());
    }

    @Test
    void aCallThatHoldsNothingClaimsItsKeyAlone() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        CallAttempt a = search(acting, "claim-only");

        CallClaim.Taken taken = stage.claim(a, FINGERPRINT);

        assertNull(taken.hold());
        assertNull(taken.lostTo());
        assertEquals(IdempotencyRecord.Status.IN_PROGRESS, record(acting, "claim-only").orElseThrow().status());
        assertEquals(10 * CREDIT, h.balance(acting).available());
    }

    @Test
    void withoutAKeyOnlyThePriceIsHeldAndACallThatHoldsNothingTakesNothing() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        CallAttempt a = search(acting, null);

        CallClaim.Taken taken = stage.claimAndHold(a, quote(a), FINGERPRINT);

        assertNull(taken.claim());
        assertEquals(Hold.Status.OPEN, h.services.ledger().hold(taken.hold().holdId()).orElseThrow().status());
        assertEquals(new CallClaim.Taken(null, null, null), stage.claim(search(acting, null), FINGERPRINT),
                "nothing to claim and nothing to hold");
    }
}
