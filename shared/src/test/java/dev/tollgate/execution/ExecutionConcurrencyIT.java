package dev.tollgate.execution;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.auth.Acting;
import dev.tollgate.billing.IdempotencyStore;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testing.ShardBooks;
import dev.tollgate.testkit.DynamoExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many callers at once against DynamoDB Local: no overdraft, no double charge, one upstream call per key. */
class ExecutionConcurrencyIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;
    private static final String LIST = "/stripe/v1/customers";
    private static final String PLATFORM = "sk_live_platPLATplatPLATplatPLAT01";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;
    private static ExecutorService pool;

    @BeforeAll
    static void start() {
        h = ExecutionHarness.start(DYNAMO);
        pool = Executors.newFixedThreadPool(50);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        h.close();
    }

    @BeforeEach
    void reset() {
        h.wiremock.resetAll();
        h.vault.setPlatformKey("stripe", PLATFORM);
        h.wiremock.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"list\",\"data\":[],\"has_more\":false}")));
    }

    /** Runs {@code calls} at once (all released by one latch) and returns their outcomes or error codes. */
    private static List<Object> race(int calls, Callable<Object> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Object>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            futures.add(pool.submit(() -> {
                go.await();
                try {
                    return call.call();
                } catch (TollgateException e) {
                    return e.code();
                }
            }));
        }
        go.countDown();
        List<Object> results = new ArrayList<>();
        for (Future<Object> f : futures) {
            results.add(f.get());
        }
        return results;
    }

    @Test
    void fiftyConcurrentTenthCreditCallsOnOneCreditLetExactlyTenThrough() throws Exception {
        Acting acting = h.account(Plan.PRO, CREDIT);
        List<Object> results = race(50, () -> h.execute(acting, "stripe", "list_customers", "{\"limit\":1}"));

        long ok = results.stream().filter(r -> r instanceof ExecutionOutcome o && o.status() == 200).count();
        long refused = results.stream().filter(r -> r == ErrorCode.INSUFFICIENT_CREDITS).count();
        assertEquals(10, ok, results.toString());
        assertEquals(40, refused, results.toString());
        assertEquals(0, h.balance(acting).available());
        assertEquals(0, h.balance(acting).held());
        h.wiremock.verify(10, getRequestedFor(urlPathEqualTo(LIST)));

        List<LedgerEntry> all = h.services.ledger().entries(acting.accountId(), null, 100).items();
        assertEquals(0, all.stream().mapToLong(LedgerEntry::balanceChange).sum(), "signed changes sum to the balance");
        assertEquals(CREDIT, all.stream().filter(e -> e.type() == LedgerEntry.Type.CAPTURE)
                .mapToLong(LedgerEntry::amount).sum(), "captures sum to what was spent");
        assertEquals(10, all.stream().filter(e -> e.type() == LedgerEntry.Type.HOLD).count());
        assertEquals(List.of(), ShardBooks.discrepancies(h.services, acting.accountId(), all));
        assertEquals(50, h.usage(acting).size(), "every call has a usage record, refused ones included");
        assertEquals(CREDIT, h.usage(acting).stream().mapToLong(u -> u.creditsMicros()).sum());
    }

    @Test
    void twentyConcurrentRequestsWithOneIdempotencyKeyCallUpstreamOnceAndChargeOnce() throws Exception {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.wiremock.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withFixedDelay(300).withBody("{\"object\":\"list\",\"data\":[{\"id\":\"cus_1\"}],\"has_more\":false}")));
        List<Object> results = race(20, () -> h.execute(acting, "stripe", "list_customers", "{\"limit\":1}", "order-42"));

        h.wiremock.verify(1, getRequestedFor(urlPathEqualTo(LIST)));
        assertEquals(10 * CREDIT - CREDIT / 10, h.balance(acting).available(), "charged once");
        long firsts = results.stream().filter(r -> r instanceof ExecutionOutcome o && !o.replayed()).count();
        assertEquals(1, firsts, results.toString());
        assertTrue(results.stream().allMatch(r -> r instanceof ExecutionOutcome o && o.replayed()
                || r == ErrorCode.REQUEST_IN_PROGRESS || r instanceof ExecutionOutcome), results.toString());

        ExecutionOutcome original = (ExecutionOutcome) results.stream()
                .filter(r -> r instanceof ExecutionOutcome o && !o.replayed()).findFirst().orElseThrow();
        ExecutionOutcome replay = h.execute(acting, "stripe", "list_customers", "{\"limit\":1}", "order-42");
        assertTrue(replay.replayed());
        assertEquals(Json.write(original.body()), Json.write(replay.body()), "replays are byte-identical");
        h.wiremock.verify(1, getRequestedFor(urlPathEqualTo(LIST)));
        assertEquals(1, h.services.ledger().entries(acting.accountId(), null, 100).items().stream()
                .filter(e -> e.type() == LedgerEntry.Type.CAPTURE).count());
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndBodyOrderDoesNotMatter() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.execute(acting, "stripe", "list_customers", "{\"limit\":1,\"email\":\"a@example.com\"}", "k-1");
        ExecutionOutcome same = h.execute(acting, "stripe", "list_customers", "{\"email\":\"a@example.com\",\"limit\":1}", "k-1");
        assertTrue(same.replayed());
        TollgateException e = assertThrows(TollgateException.class,
                () -> h.execute(acting, "stripe", "list_customers", "{\"limit\":2}", "k-1"));
        assertEquals(ErrorCode.IDEMPOTENCY_KEY_REUSED, e.code());
        assertEquals(422, e.status());
        // Keys are scoped per account: another account may use the same key.
        Acting other = h.account(Plan.PRO, 10 * CREDIT);
        assertFalse(h.execute(other, "stripe", "list_customers", "{\"limit\":2}", "k-1").replayed());
        h.wiremock.verify(2, getRequestedFor(urlPathEqualTo(LIST)));
    }

    @Test
    void byokCallsAreIdempotentToo() {
        Acting acting = h.account(Plan.PRO, 0);
        h.vault.register(acting.accountId(), "stripe", "sk_test_byokBYOKbyokBYOKbyokBYOK01");
        ExecutionOutcome first = h.execute(acting, "stripe", "list_customers", "{}", "byok-1");
        ExecutionOutcome again = h.execute(acting, "stripe", "list_customers", "{}", "byok-1");
        assertFalse(first.replayed());
        assertTrue(again.replayed());
        assertEquals("byok", again.body().path("billing").path("mode").asText());
        h.wiremock.verify(1, getRequestedFor(urlPathEqualTo(LIST)));
    }

    @Test
    void aFailedCallClearsItsKeySoARetryRunsAgain() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.vault.setPlatformKey("tavily", "tvly-platPLATplatPLATplat01");
        h.wiremock.stubFor(post(urlPathEqualTo("/tavily/search")).willReturn(aResponse().withStatus(503)));
        assertThrows(TollgateException.class, () -> h.execute(acting, "tavily", "search", "{\"query\":\"x\"}", "retry-me"));
        h.wiremock.stubFor(post(urlPathEqualTo("/tavily/search")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[]}")));
        ExecutionOutcome retry = h.execute(acting, "tavily", "search", "{\"query\":\"x\"}", "retry-me");
        assertFalse(retry.replayed());
        assertEquals(9 * CREDIT, h.balance(acting).available());
        h.wiremock.verify(2, postRequestedFor(urlPathEqualTo("/tavily/search")));
    }

    @Test
    void aRequestStillInFlightIs409AndAnAbandonedOneIsTakenOver() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        var body = ExecutionHarness.parse("{\"tool\":\"stripe\",\"operation\":\"list_customers\",\"input\":{}}");
        String fingerprint = Fingerprints.of(body);
        Instant now = Instant.now();
        IdempotencyStore store = h.services.idempotencyStore();
        assertTrue(store.claim(new IdempotencyStore.Claim(acting.accountId(), "busy", fingerprint, "req_other", now,
                now.plusSeconds(120), now.plusSeconds(86_400))));
        TollgateException e = assertThrows(TollgateException.class,
                () -> h.execute(acting, "stripe", "list_customers", "{}", "busy"));
        assertEquals(ErrorCode.REQUEST_IN_PROGRESS, e.code());
        assertEquals(409, e.status());
        h.wiremock.verify(0, anyRequestedFor(anyUrl()));

        // A claim whose lease ran out (its container died) is taken over by a retry with the same body.
        assertTrue(store.claim(new IdempotencyStore.Claim(acting.accountId(), "crashed", fingerprint, "req_dead",
                now.minusSeconds(300), now.minusSeconds(180), now.plusSeconds(86_000))));
        assertFalse(h.execute(acting, "stripe", "list_customers", "{}", "crashed").replayed());
        assertTrue(h.execute(acting, "stripe", "list_customers", "{}", "crashed").replayed());
    }

    @Test
    void withFourBalanceShardsConcurrentCallsStayExact() throws Exception {
        try (ExecutionHarness sharded = ExecutionHarness.withConfig(DYNAMO, java.util.Map.of("TOLLGATE_BALANCE_SHARDS", "4"))) {
            sharded.vault.setPlatformKey("stripe", PLATFORM);
            sharded.wiremock.stubFor(get(urlPathEqualTo(LIST)).willReturn(aResponse()
                    .withHeader("Content-Type", "application/json").withBody("{\"object\":\"list\",\"data\":[]}")));
            Acting acting = sharded.account(Plan.PRO, 0);
            for (int i = 0; i < 8; i++) {
                sharded.services.accountService().topUp(acting.accountId(), CREDIT, "top-" + i, "test");
            }
            List<Object> results = race(30, () -> sharded.execute(acting, "stripe", "list_customers", "{}"));
            assertEquals(30, results.stream().filter(r -> r instanceof ExecutionOutcome).count(), results.toString());
            assertEquals(8 * CREDIT - 3 * CREDIT, sharded.balance(acting).available());
            assertEquals(0, sharded.balance(acting).held());
            ExecutionOutcome one = sharded.execute(acting, "stripe", "list_customers", "{}");
            assertEquals(0, Credits.toCredits(sharded.balance(acting).available())
                    .compareTo(one.body().path("billing").path("credits_remaining").decimalValue()),
                    "credits_remaining adds up all shards");
        }
    }

    @Test
    void idempotencyKeysAreLimitedTo255PrintableCharacters() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        TollgateException e = assertThrows(TollgateException.class,
                () -> h.execute(acting, "stripe", "list_customers", "{}", "k".repeat(256)));
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertFalse(h.execute(acting, "stripe", "list_customers", "{}", "k".repeat(255)).replayed());
    }
}
