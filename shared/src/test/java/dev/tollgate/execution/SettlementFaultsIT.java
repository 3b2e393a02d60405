package dev.tollgate.execution;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.testing.DynamoFaults.Kind;
import dev.tollgate.testing.DynamoFaults.Step;
import dev.tollgate.testing.DynamoFaults;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testing.MutableClock;
import dev.tollgate.testkit.DynamoExtension;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The settlement of a credits call after the provider answered, when DynamoDB fails at that exact moment (scripted
 * faults through the SDK interceptor): the charge and its stored answer are durable together, a capture that cannot
 * commit is released so the answer is free, one that cannot be confirmed is reported with the most it may have
 * cost, and a crash on either side of the capture is settled by the retry and the sweeper.
 */
class SettlementFaultsIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;
    private static final String SEARCH = "{\"query\":\"tollgates\"}";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static final MutableClock CLOCK = new MutableClock(Instant.now());
    private static DynamoFaults faults;
    private static ExecutionHarness h;

    @BeforeAll
    static void start() {
        faults = new DynamoFaults(1, 0, DYNAMO.environment().get("HOLDS_TABLE"));
        h = ExecutionHarness.withFaults(DYNAMO, 0, CLOCK, faults);
        h.vault.setPlatformKey("tavily", "tvly-platPLATplatPLATplat01");
        h.wiremock.stubFor(post(urlPathEqualTo("/tavily/search")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[{\"title\":\"t\"}]}")));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @BeforeEach
    void quiet() {
        faults.enable(false);
        h.wiremock.resetRequests();
    }

    /** Entry types, sorted: the order of entries written by different clocks' ids is not the point here. */
    private static List<LedgerEntry.Type> types(Acting acting) {
        return h.services.ledger().entries(acting.accountId(), null, 100).items().stream().map(LedgerEntry::type)
                .sorted().toList();
    }

    private static List<UsageRecord> usage(Acting acting) {
        List<UsageRecord> out = new ArrayList<>();
        h.services.usageStore().scan(acting.accountId(), CLOCK.instant().minus(Duration.ofHours(1)),
                CLOCK.instant().plus(Duration.ofMinutes(5)), 100, out::add);
        return out;
    }

    private static BigDecimal charged(ExecutionOutcome outcome) {
        return outcome.body().path("billing").path("credits_charged").decimalValue();
    }

    @Test
    void aCaptureWhoseAnswerIsLostIsChargedOnceAndAnswered() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        faults.script(Step.CAPTURE, Kind.RESPONSE_LOST, 1);
        ExecutionOutcome outcome = h.execute(acting, "tavily", "search", SEARCH, "lost-capture");
        assertEquals(0, BigDecimal.ONE.compareTo(charged(outcome)));
        assertEquals(9 * CREDIT, h.balance(acting).available());
        assertEquals(List.of(LedgerEntry.Type.TOPUP, LedgerEntry.Type.HOLD, LedgerEntry.Type.CAPTURE), types(acting));
        ExecutionOutcome replay = h.execute(acting, "tavily", "search", SEARCH, "lost-capture");
        assertTrue(replay.replayed());
        assertEquals(Json.write(outcome.body()), Json.write(replay.body()));
    }

    @Test
    void aCaptureThatCannotCommitIsReleasedAndTheAnswerServedFreeAndStored() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        faults.script(Step.CAPTURE, Kind.THROTTLED, 5);
        ExecutionOutcome outcome = h.execute(acting, "tavily", "search", SEARCH, "free-1");
        assertEquals(0, BigDecimal.ZERO.compareTo(charged(outcome)));
        assertEquals("t", outcome.body().path("result").path("results").path(0).path("title").asText());
        assertEquals(10 * CREDIT, h.balance(acting).available());
        assertEquals(0, h.balance(acting).held());
        List<LedgerEntry> entries = h.services.ledger().entries(acting.accountId(), null, 10).items();
        assertEquals(List.of("capture_failed"), entries.stream().filter(x -> x.type() == LedgerEntry.Type.RELEASE)
                .map(LedgerEntry::reason).toList());
        assertTrue(h.execute(acting, "tavily", "search", SEARCH, "free-1").replayed(), "the free answer is replayed");
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo("/tavily/search")));
        assertEquals(1_000_000, usage(acting).get(0).unchargedMicros(), "the lost revenue is on record");
    }

    @Test
    void aCaptureThatCommittedButCannotBeConfirmedByTheLedgerIsFoundOnItsHold() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        // The capture commits, its answer is lost, every retry is throttled and the ledger's own look-up fails:
        // the engine reads the hold, finds it captured, and answers as charged.
        faults.script(Step.CAPTURE, Kind.RESPONSE_LOST, 1).script(Step.CAPTURE, Kind.THROTTLED, 4)
                .script(Step.READ, Kind.THROTTLED, 1);
        ExecutionOutcome outcome = h.execute(acting, "tavily", "search", SEARCH, "confirm-1");
        assertEquals(0, faults.scriptLeft());
        assertEquals(0, BigDecimal.ONE.compareTo(charged(outcome)));
        assertEquals(9 * CREDIT, h.balance(acting).available());
        assertTrue(h.execute(acting, "tavily", "search", SEARCH, "confirm-1").replayed());
        assertEquals(1, types(acting).stream().filter(t -> t == LedgerEntry.Type.CAPTURE).count());
    }

    @Test
    void aChargeNobodyCanConfirmIsReportedWithTheMostItMayHaveCostNeverAsFree() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        faults.script(Step.CAPTURE, Kind.RESPONSE_LOST, 1).script(Step.CAPTURE, Kind.THROTTLED, 4)
                .script(Step.READ, Kind.THROTTLED, 2);
        TollgateException e = assertThrows(TollgateException.class,
                () -> h.execute(acting, "tavily", "search", SEARCH, "unconfirmed-1"));
        assertEquals(ErrorCode.TEMPORARILY_UNAVAILABLE, e.code());
        assertEquals(0, BigDecimal.ONE.compareTo((BigDecimal) e.details().get("max_credits_charged")));
        assertFalse(e.getMessage().contains("nothing was charged"), e.getMessage());
        // It was in fact charged, with its answer stored in the same transaction: the retry gets that answer.
        ExecutionOutcome retry = h.execute(acting, "tavily", "search", SEARCH, "unconfirmed-1");
        assertTrue(retry.replayed());
        assertEquals(0, BigDecimal.ONE.compareTo(charged(retry)));
        assertEquals(9 * CREDIT, h.balance(acting).available());
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo("/tavily/search")));
    }

    @Test
    void aCrashRightAfterTheCaptureIsAnsweredByTheRetryFromTheStoredResponse() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        faults.script(Step.CAPTURE, Kind.CRASH_AFTER, 1);
        assertThrows(DynamoFaults.Crash.class, () -> h.execute(acting, "tavily", "search", SEARCH, "crash-after"));
        ExecutionOutcome retry = h.execute(acting, "tavily", "search", SEARCH, "crash-after");
        assertTrue(retry.replayed());
        assertEquals(9 * CREDIT, h.balance(acting).available());
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo("/tavily/search")));
    }

    @Test
    void aCrashAfterTheProviderAnsweredLeavesAHoldTheSweeperReleasesAndARetryChargedOnce() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        faults.script(Step.CAPTURE, Kind.CRASH_BEFORE, 1);
        assertThrows(DynamoFaults.Crash.class, () -> h.execute(acting, "tavily", "search", SEARCH, "crash-before"));
        assertEquals(9 * CREDIT, h.balance(acting).available());
        assertEquals(CREDIT, h.balance(acting).held(), "the dead container's hold");
        assertEquals(ErrorCode.REQUEST_IN_PROGRESS, assertThrows(TollgateException.class,
                () -> h.execute(acting, "tavily", "search", SEARCH, "crash-before")).code());

        CLOCK.advance(Duration.ofSeconds(121));
        JsonNode billing = h.execute(acting, "tavily", "search", SEARCH, "crash-before").body().path("billing");
        assertEquals(0, BigDecimal.ONE.compareTo(billing.path("credits_charged").decimalValue()), "a search runs again");
        CLOCK.advance(Duration.ofMinutes(5));
        assertEquals(1, h.services.holdSweeper().sweep(100, () -> true).released());
        assertEquals(9 * CREDIT, h.balance(acting).available(), "charged once over both attempts");
        assertEquals(0, h.balance(acting).held());
    }
}
