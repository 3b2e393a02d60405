package dev.tollgate.execution;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.auth.Acting;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.vault.ProviderKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every way a call can fail (SPEC 7.1, 7.4): the caller is never charged, every hold is released in the same
 * transaction as the failure's usage record, a rejected BYOK key never falls back to credits, and no secret reaches
 * a response or a log line.
 */
class ExecutionFailuresIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;
    private static final String BYOK = "tvly-byokSECRETbyokSECRET0001";
    private static final String PLATFORM = "tvly-platSECRETplatSECRET0001";
    private static final String SEARCH = "{\"query\":\"tollgates\"}";
    private static final String PATH = "/tavily/search";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;
    private static final ByteArrayOutputStream LOGS = new ByteArrayOutputStream();

    @BeforeAll
    static void start() {
        Log.setOutput(new PrintStream(LOGS, true, StandardCharsets.UTF_8));
        // Timeouts of 1 s (the catalog minimum) so the timeout case is quick.
        h = ExecutionHarness.withTimeouts(DYNAMO, 1000);
    }

    @AfterAll
    static void stop() {
        h.close();
        Log.setOutput(System.out);
        String logs = LOGS.toString(StandardCharsets.UTF_8);
        assertFalse(logs.contains("SECRET"), "a secret reached the logs");
    }

    @BeforeEach
    void reset() {
        h.wiremock.resetAll();
        h.vault.setPlatformKey("tavily", PLATFORM);
    }

    private static void upstreamAnswers(int status, String body) {
        h.wiremock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static TollgateException fails(Acting acting, String tool, String op, String input) {
        return assertThrows(TollgateException.class, () -> h.execute(acting, tool, op, input));
    }

    /** Balance back to where it was, nothing held, and the ledger shows a hold and its release. */
    private static void assertReleased(Acting acting, long before, String reason) {
        assertEquals(before, h.balance(acting).available());
        assertEquals(0, h.balance(acting).held());
        List<LedgerEntry> entries = h.services.ledger().entries(acting.accountId(), null, 2).items();
        assertEquals(LedgerEntry.Type.RELEASE, entries.get(0).type());
        assertEquals(reason, entries.get(0).reason());
        assertEquals(LedgerEntry.Type.HOLD, entries.get(1).type());
        UsageRecord usage = h.usage(acting).get(h.usage(acting).size() - 1);
        assertEquals("error", usage.status());
        assertEquals(reason, usage.errorCode());
        assertEquals(0, usage.creditsMicros());
        assertEquals(entries.get(0).holdId(), usage.holdId());
    }

    @Test
    void aRejectedByokKeyIs424WithNoFallbackToCredits() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        ProviderKey key = h.vault.register(acting.accountId(), "tavily", BYOK);
        upstreamAnswers(401, "{\"detail\":{\"error\":\"Unauthorized: invalid API key " + BYOK + "\"}}");

        TollgateException e = fails(acting, "tavily", "search", SEARCH);
        assertEquals(ErrorCode.BYOK_KEY_REJECTED, e.code());
        assertEquals(424, e.status());
        assertEquals(401, e.details().get("provider_status"));
        assertEquals(key.id(), e.details().get("byok_key_id"));
        assertFalse(e.getMessage().contains(BYOK));
        assertFalse(String.valueOf(e.details()).contains(BYOK));
        assertEquals(10 * CREDIT, h.balance(acting).available(), "balance unchanged");
        assertTrue(h.services.ledger().entries(acting.accountId(), null, 10).items().stream()
                .noneMatch(x -> x.type() == LedgerEntry.Type.HOLD), "no hold: BYOK never reserves");
        h.wiremock.verify(1, anyRequestedFor(anyUrl()));
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer " + BYOK)));
        h.wiremock.verify(0, postRequestedFor(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer " + PLATFORM)));
        assertEquals(ProviderKey.Status.REJECTED, h.vault.key(acting.accountId(), "tavily").orElseThrow().status());
        assertEquals("byok_key_rejected", h.usage(acting).get(0).errorCode());
        assertEquals("byok", h.usage(acting).get(0).mode());

        // Still attempted while rejected (the customer may have fixed it at the provider); success re-activates it.
        upstreamAnswers(200, "{\"results\":[]}");
        assertEquals("byok", h.execute(acting, "tavily", "search", SEARCH).body().path("billing").path("mode").asText());
        assertEquals(ProviderKey.Status.ACTIVE, h.vault.key(acting.accountId(), "tavily").orElseThrow().status());
    }

    @Test
    void upstream500ReleasesTheHold() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        upstreamAnswers(500, "{\"error\":\"internal\"}");
        TollgateException e = fails(acting, "tavily", "search", SEARCH);
        assertEquals(ErrorCode.UPSTREAM_ERROR, e.code());
        assertEquals(502, e.status());
        assertReleased(acting, 10 * CREDIT, "upstream_error");
    }

    @Test
    void upstreamTimeoutReleasesTheHold() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.wiremock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(3000)
                .withBody("{}")));
        TollgateException e = fails(acting, "tavily", "search", SEARCH);
        assertEquals(ErrorCode.UPSTREAM_TIMEOUT, e.code());
        assertEquals(504, e.status());
        assertReleased(acting, 10 * CREDIT, "upstream_timeout");
    }

    @Test
    void upstreamRedirectIsNotFollowedAndReleasesTheHold() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.wiremock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(307)
                .withHeader("Location", h.wiremock.baseUrl() + "/elsewhere")));
        TollgateException e = fails(acting, "tavily", "search", SEARCH);
        assertEquals(ErrorCode.UPSTREAM_REDIRECT, e.code());
        assertReleased(acting, 10 * CREDIT, "upstream_redirect");
        h.wiremock.verify(0, postRequestedFor(urlPathEqualTo("/elsewhere")));
    }

    @Test
    void rateLimitPassesRetryAfterAndRejectedInputIs400() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.wiremock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")
                .withHeader("Content-Type", "application/json").withBody("{\"detail\":{\"error\":\"Too many requests\"}}")));
        TollgateException limited = fails(acting, "tavily", "search", SEARCH);
        assertEquals(ErrorCode.UPSTREAM_RATE_LIMITED, limited.code());
        assertEquals("30", limited.headers().get("Retry-After"));
        assertReleased(acting, 10 * CREDIT, "upstream_rate_limited");

        upstreamAnswers(422, "{\"detail\":\"query is too long\"}");
        TollgateException rejected = fails(acting, "tavily", "search", SEARCH);
        assertEquals(ErrorCode.UPSTREAM_REJECTED_REQUEST, rejected.code());
        assertEquals(400, rejected.status());
        assertEquals(422, rejected.details().get("provider_status"));
        assertTrue(rejected.getMessage().contains("query is too long"));
        assertReleased(acting, 10 * CREDIT, "upstream_rejected_request");
    }

    @Test
    void aRefusedPlatformKeyIs502AndAlarms() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        upstreamAnswers(401, "{\"detail\":{\"error\":\"Unauthorized\"}}");
        TollgateException e = fails(acting, "tavily", "search", SEARCH);
        assertEquals(ErrorCode.PROVIDER_AUTH_FAILED, e.code());
        assertReleased(acting, 10 * CREDIT, "provider_auth_failed");
        assertTrue(LOGS.toString(StandardCharsets.UTF_8).contains("\"alarm\":\"platform_key_rejected\""));
    }

    @Test
    void oversizedResponsesAreRefused() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.wiremock.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(new byte[UpstreamClient.MAX_RESPONSE_BYTES + 10])));
        assertEquals(ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE, fails(acting, "tavily", "search", SEARCH).code());
        assertReleased(acting, 10 * CREDIT, "upstream_response_too_large");
    }

    @Test
    void notEnoughCreditsIs402WithRequiredAndAvailableAndNoUpstreamCall() {
        Acting acting = h.account(Plan.PRO, CREDIT / 2);
        upstreamAnswers(200, "{}");
        TollgateException e = fails(acting, "tavily", "search", SEARCH);
        assertEquals(ErrorCode.INSUFFICIENT_CREDITS, e.code());
        assertEquals("1", e.details().get("required").toString());
        assertEquals("0.5", e.details().get("available").toString());
        h.wiremock.verify(0, anyRequestedFor(anyUrl()));
        assertEquals("insufficient_credits", h.usage(acting).get(0).errorCode());
    }

    @Test
    void invalidInputIsRefusedBeforeAnyMoneyMoves() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        TollgateException e = fails(acting, "openai", "chat_completion", "{\"model\":\"gpt-4o\",\"messages\":[]}");
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertEquals("/input/messages", e.details().get("pointer"));
        assertEquals(1, h.services.ledger().entries(acting.accountId(), null, 10).items().size(), "only the top-up");
        h.wiremock.verify(0, anyRequestedFor(anyUrl()));
        TollgateException unknown = fails(acting, "openai", "dance", "{}");
        assertEquals(ErrorCode.UNKNOWN_TOOL, unknown.code());
    }

    @Test
    void aDowngradedAccountWithAKeyGetsPlanRequiredNeverCredits() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.vault.register(acting.accountId(), "tavily", BYOK);
        Acting downgraded = h.withPlan(acting, Plan.FREE);
        upstreamAnswers(200, "{}");
        TollgateException e = fails(downgraded, "tavily", "search", SEARCH);
        assertEquals(ErrorCode.PLAN_REQUIRED, e.code());
        assertEquals(10 * CREDIT, h.balance(acting).available());
        h.wiremock.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void withoutAPlatformKeyCreditsModeIsUnavailable() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.vault.removePlatformKey("tavily");
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, fails(acting, "tavily", "search", SEARCH).code());
        assertEquals(10 * CREDIT, h.balance(acting).available());
    }

    @Test
    void aDeletedKeyMeansCreditsOnTheNextCall() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.vault.register(acting.accountId(), "tavily", BYOK);
        upstreamAnswers(200, "{\"results\":[]}");
        assertEquals("byok", h.execute(acting, "tavily", "search", SEARCH).body().path("billing").path("mode").asText());
        h.vault.delete(acting.accountId(), "tavily");
        var credits = h.execute(acting, "tavily", "search", SEARCH).body().path("billing");
        assertEquals("credits", credits.path("mode").asText());
        assertEquals(9 * CREDIT, h.balance(acting).available());
        assertEquals(0, credits.path("credits_remaining").decimalValue().compareTo(java.math.BigDecimal.valueOf(9)));
    }

    @Test
    void aCustomerUrlResolvingToAPrivateAddressIsRefusedWithoutConnecting() {
        // The harness allows private upstreams (WireMock is on loopback); a deployed configuration does not.
        try (UpstreamClient guarded = new UpstreamClient(false)) {
            ExecutionService strict = new ExecutionService(h.services.catalog(), h.vault, h.services.ledger(),
                    h.services.idempotencyStore(), h.services.usageStore(), h.services.atomicWriter(), guarded,
                    AgentKeyBindings.NONE, java.time.Clock.systemUTC(), ExecutionService.Settings.from(h.config));
            Acting acting = h.account(Plan.PRO, 0);
            String input = "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            for (String url : new String[] {h.wiremock.baseUrl(), "http://localhost:" + h.wiremock.port(),
                    "http://[::1]:" + h.wiremock.port(), "http://169.254.169.254", "http://10.0.0.5:11434"}) {
                h.vault.register(acting.accountId(), "ollama", url);
                var body = ExecutionHarness.parse("{\"tool\":\"ollama\",\"operation\":\"chat\",\"input\":" + input + "}");
                TollgateException e = assertThrows(TollgateException.class, () -> strict.execute(acting,
                        new ExecutionRequest("ollama", "chat", body.get("input"), null, "req_ssrf", body)), url);
                assertEquals(ErrorCode.UPSTREAM_ADDRESS_FORBIDDEN, e.code(), url);
                assertEquals(400, e.status());
            }
            h.wiremock.verify(0, anyRequestedFor(anyUrl()));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anAgentPinnedToAKeyUsesItAheadOfTheAccountKey() {
        Acting acting = h.account(Plan.TEAM, 10 * CREDIT);
        h.vault.register(acting.accountId(), "tavily", BYOK);
        ProviderKey pinned = h.vault.addKey(acting.accountId(), "tavily", "tvly-pinnedSECRETpinned0002", "workspace");
        var vault = h.vault;
        ExecutionService withAgents = new ExecutionService(h.services.catalog(), vault, h.services.ledger(),
                h.services.idempotencyStore(), h.services.usageStore(), h.services.atomicWriter(),
                h.services.upstreamClient(), (who, provider) -> provider.equals("tavily")
                        ? vault.find(who.accountId(), pinned.id()) : java.util.Optional.empty(),
                java.time.Clock.systemUTC(), ExecutionService.Settings.from(h.config));
        h.wiremock.stubFor(post(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer tvly-pinnedSECRETpinned0002"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"results\":[]}")));
        var body = ExecutionHarness.parse("{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":" + SEARCH + "}");
        var billing = withAgents.execute(acting, new ExecutionRequest("tavily", "search", body.get("input"), null,
                "req_agent", body)).body().path("billing");
        assertEquals("byok", billing.path("mode").asText());
        assertEquals("agent", billing.path("key_source").asText());
        assertEquals(pinned.id(), billing.path("byok_key_id").asText());
        assertEquals(10 * CREDIT, h.balance(acting).available());
    }

    @Test
    void theCallersTollgateTokenIsNeverForwarded() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        upstreamAnswers(200, "{\"results\":[]}");
        h.execute(acting, "tavily", "search", SEARCH);
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer " + PLATFORM))
                .withRequestBody(matchingJsonPath("$.query", equalTo("tollgates"))));
        h.wiremock.getAllServeEvents().forEach(ev -> ev.getRequest().getHeaders().all().forEach(header ->
                assertFalse(header.firstValue().contains("tg_test_"), header.key())));
    }
}
