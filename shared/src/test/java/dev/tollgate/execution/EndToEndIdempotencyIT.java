package dev.tollgate.execution;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.tollgate.auth.Acting;
import dev.tollgate.billing.IdempotencyRecord;
import dev.tollgate.billing.IdempotencyStore;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.DynamoExtension;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Idempotency end to end (issue 10): when the provider was sent a request and never answered, the customer's retry
 * with the same Idempotency-Key never repeats the action silently. Providers that de-duplicate get a key derived from
 * the customer's and the retry is sent again with it; for the others the retry is 409 outcome_unknown; reads simply
 * run again. Nothing is charged for an unknown outcome.
 */
class EndToEndIdempotencyIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;
    private static final String SID = "AC" + "0123456789abcdef".repeat(2);
    private static final String LINKS = "/stripe/v1/payment_links";
    private static final String SMS = "/twilio/2010-04-01/Accounts/" + SID + "/Messages.json";
    private static final String SEARCH = "/tavily/search";
    private static final String LINK = "{\"line_items\":[{\"price\":\"price_1\",\"quantity\":1}]}";
    private static final String TEXT = "{\"To\":\"+15005550006\",\"From\":\"+15005550001\",\"Body\":\"Your code is 1234\"}";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;

    @BeforeAll
    static void start() {
        // The catalog's timeouts: a cold first call on a loaded machine must not turn a broken connection into a
        // timeout. The timeout case has its own harness with 1 s timeouts.
        h = ExecutionHarness.start(DYNAMO);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @BeforeEach
    void reset() {
        h.wiremock.resetAll();
        h.vault.setPlatformKey("stripe", "sk_live_platPLATplatPLATplatPLAT01");
        h.vault.setPlatformKey("twilio", SID + ":platformTOKENplatformTOKEN00001");
        h.vault.setPlatformKey("tavily", "tvly-platPLATplatPLATplat01");
    }

    private static void answer(String path, ResponseDefinitionBuilder response) {
        h.wiremock.stubFor(post(urlPathEqualTo(path)).willReturn(response));
    }

    private static ResponseDefinitionBuilder ok(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    private static IdempotencyRecord record(Acting acting, String key) {
        return h.services.idempotencyStore().find(acting.accountId(), key, Instant.now()).orElseThrow();
    }

    @Test
    void aStripeLinkThatTimedOutIsSentAgainWithTheSameProviderKeyAndChargedOnce() {
        try (ExecutionHarness quick = ExecutionHarness.withTimeouts(DYNAMO, 1000)) {
            quick.vault.setPlatformKey("stripe", "sk_live_platPLATplatPLATplatPLAT01");
            Acting acting = quick.account(Plan.PRO, 10 * CREDIT);
            quick.wiremock.stubFor(post(urlPathEqualTo(LINKS)).willReturn(
                    ok("{\"id\":\"plink_1\",\"url\":\"https://buy.stripe.com/x\"}").withFixedDelay(3000)));
            TollgateException timeout = assertThrows(TollgateException.class,
                    () -> quick.execute(acting, "stripe", "create_payment_link", LINK, "link-1"));
            assertEquals(ErrorCode.UPSTREAM_TIMEOUT, timeout.code());
            assertEquals(true, timeout.details().get("provider_may_have_acted"));
            assertTrue(timeout.getMessage().contains("A retry with the same Idempotency-Key is safe"),
                    timeout.getMessage());
            assertEquals(IdempotencyRecord.Status.OUTCOME_UNKNOWN, quick.services.idempotencyStore()
                    .find(acting.accountId(), "link-1", Instant.now()).orElseThrow().status());
            assertEquals(10 * CREDIT, quick.balance(acting).available(), "nothing charged for an unknown outcome");

            quick.wiremock.stubFor(post(urlPathEqualTo(LINKS)).willReturn(
                    ok("{\"id\":\"plink_1\",\"url\":\"https://buy.stripe.com/x\"}")));
            ExecutionOutcome retried = quick.execute(acting, "stripe", "create_payment_link", LINK, "link-1");
            assertFalse(retried.replayed());
            assertEquals("plink_1", retried.body().path("result").path("id").asText());
            assertTrue(quick.execute(acting, "stripe", "create_payment_link", LINK, "link-1").replayed());

            String forwarded = ProviderIdempotencyKeys.derive(acting.accountId(),
                    quick.services.catalog().operation("stripe", "create_payment_link").orElseThrow(), "link-1");
            quick.wiremock.verify(2, postRequestedFor(urlPathEqualTo(LINKS)));
            quick.wiremock.verify(2, postRequestedFor(urlPathEqualTo(LINKS))
                    .withHeader("Idempotency-Key", equalTo(forwarded)));
            assertEquals(10 * CREDIT - CREDIT / 10, quick.balance(acting).available(), "charged once");
            assertEquals(1, quick.services.ledger().entries(acting.accountId(), null, 100).items().stream()
                    .filter(e -> e.type() == LedgerEntry.Type.CAPTURE).count());
        }
    }

    @Test
    void anSmsWhoseConnectionBrokeIsNeverSentAgainUnderTheSameKey() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        answer(SMS, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        TollgateException reset = assertThrows(TollgateException.class,
                () -> h.execute(acting, "twilio", "send_sms", TEXT, "sms-1"));
        assertEquals(ErrorCode.UPSTREAM_ERROR, reset.code());
        assertEquals(true, reset.details().get("provider_may_have_acted"));
        assertTrue(reset.getMessage().contains("409 outcome_unknown"), reset.getMessage());

        answer(SMS, ok("{\"sid\":\"SM1\",\"status\":\"queued\"}"));
        TollgateException unknown = assertThrows(TollgateException.class,
                () -> h.execute(acting, "twilio", "send_sms", TEXT, "sms-1"));
        assertEquals(ErrorCode.OUTCOME_UNKNOWN, unknown.code());
        assertEquals(409, unknown.status());
        assertTrue(unknown.getMessage().contains("Check with Twilio"), unknown.getMessage());
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo(SMS)));
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo(SMS)).withHeader("Idempotency-Key", absent()));
        assertEquals(10 * CREDIT, h.balance(acting).available());

        assertEquals(ErrorCode.IDEMPOTENCY_KEY_REUSED, assertThrows(TollgateException.class,
                () -> h.execute(acting, "twilio", "send_sms", TEXT.replace("1234", "9999"), "sms-1")).code());
        // Sending it again is the caller's decision, made with a new key.
        assertFalse(h.execute(acting, "twilio", "send_sms", TEXT, "sms-2").replayed());
        h.wiremock.verify(2, postRequestedFor(urlPathEqualTo(SMS)));
        assertEquals(9 * CREDIT, h.balance(acting).available());
    }

    @Test
    void aReadWhoseConnectionBrokeSimplyRunsAgain() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        answer(SEARCH, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        TollgateException e = assertThrows(TollgateException.class,
                () -> h.execute(acting, "tavily", "search", "{\"query\":\"x\"}", "search-1"));
        assertEquals(ErrorCode.UPSTREAM_ERROR, e.code());
        assertNull(e.details().get("provider_may_have_acted"), "a search acts on nothing");
        assertTrue(h.services.idempotencyStore().find(acting.accountId(), "search-1", Instant.now()).isEmpty());
        answer(SEARCH, ok("{\"results\":[]}"));
        assertFalse(h.execute(acting, "tavily", "search", "{\"query\":\"x\"}", "search-1").replayed());
        h.wiremock.verify(2, postRequestedFor(urlPathEqualTo(SEARCH)));
        assertEquals(9 * CREDIT, h.balance(acting).available());
    }

    @Test
    void aConnectionThatWasNeverMadeIsAKnownFailureAndTheRetryRuns() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (ExecutionHarness refused = ExecutionHarness.withConfig(DYNAMO,
                Map.of("TOLLGATE_UPSTREAM_TWILIO_URL", "http://127.0.0.1:" + closed))) {
            refused.vault.setPlatformKey("twilio", SID + ":platformTOKENplatformTOKEN00001");
            Acting acting = refused.account(Plan.PRO, 10 * CREDIT);
            for (int attempt = 0; attempt < 2; attempt++) {
                TollgateException e = assertThrows(TollgateException.class,
                        () -> refused.execute(acting, "twilio", "send_sms", TEXT, "sms-refused"));
                assertEquals(ErrorCode.UPSTREAM_ERROR, e.code(), "never outcome_unknown: nothing was sent");
                assertNull(e.details().get("provider_may_have_acted"));
            }
            assertEquals(10 * CREDIT, refused.balance(acting).available());
        }
    }

    @Test
    void byokCallsKeepAnUnknownOutcomeToo() {
        Acting acting = h.account(Plan.PRO, 0);
        h.vault.register(acting.accountId(), "twilio", SID + ":customerTOKENcustomerTOKEN0001");
        answer(SMS, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        assertThrows(TollgateException.class, () -> h.execute(acting, "twilio", "send_sms", TEXT, "byok-sms"));
        assertEquals(IdempotencyRecord.Status.OUTCOME_UNKNOWN, record(acting, "byok-sms").status());
        assertEquals(ErrorCode.OUTCOME_UNKNOWN, assertThrows(TollgateException.class,
                () -> h.execute(acting, "twilio", "send_sms", TEXT, "byok-sms")).code());
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo(SMS)));
    }

    @Test
    void aCrashedRequestsClaimIsAnUnknownOutcomeOnceItsLeaseRunsOut() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        IdempotencyStore store = h.services.idempotencyStore();
        Instant now = Instant.now();
        // A container died mid-call: its claim stays in_progress until the lease runs out.
        for (String[] call : new String[][] {{"twilio", "send_sms", TEXT, "crashed-sms"},
                {"stripe", "create_payment_link", LINK, "crashed-link"}}) {
            String fingerprint = Fingerprints.of(ExecutionHarness.parse("{\"tool\":\"" + call[0] + "\",\"operation\":\""
                    + call[1] + "\",\"input\":" + call[2] + "}"));
            assertTrue(store.claim(new IdempotencyStore.Claim(acting.accountId(), call[3], fingerprint, "req_dead",
                    now.minusSeconds(300), now.minusSeconds(180), now.plusSeconds(86_000))));
        }
        answer(SMS, ok("{\"sid\":\"SM1\"}"));
        answer(LINKS, ok("{\"id\":\"plink_2\"}"));
        TollgateException sms = assertThrows(TollgateException.class,
                () -> h.execute(acting, "twilio", "send_sms", TEXT, "crashed-sms"));
        assertEquals(ErrorCode.OUTCOME_UNKNOWN, sms.code());
        assertEquals("req_dead", sms.details().get("original_request_id"));
        // Stripe de-duplicates: the retry takes the claim over and resends under the same provider key.
        assertFalse(h.execute(acting, "stripe", "create_payment_link", LINK, "crashed-link").replayed());
        h.wiremock.verify(0, postRequestedFor(urlPathEqualTo(SMS)));
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo(LINKS)).withHeader("Idempotency-Key", equalTo(
                ProviderIdempotencyKeys.derive(acting.accountId(),
                        h.services.catalog().operation("stripe", "create_payment_link").orElseThrow(), "crashed-link"))));
    }

    @Test
    void withoutAKeyTheErrorSaysHowToMakeARetrySafe() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        answer(LINKS, aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        TollgateException e = assertThrows(TollgateException.class,
                () -> h.execute(acting, "stripe", "create_payment_link", LINK));
        assertTrue(e.getMessage().contains("Send an Idempotency-Key next time"), e.getMessage());
        assertTrue(e.getMessage().contains("Nothing was charged"), e.getMessage());
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo(LINKS)).withHeader("Idempotency-Key", absent()));
        assertEquals(10 * CREDIT, h.balance(acting).available());
    }
}
