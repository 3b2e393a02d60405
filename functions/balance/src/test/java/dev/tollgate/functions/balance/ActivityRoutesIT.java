package dev.tollgate.functions.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.Services;
import dev.tollgate.billing.Hold;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/v1/ledger}, {@code GET /api/v1/usage} (SPEC 8.2–8.6, also as CSV) and the run history
 * ({@code GET /api/v1/runs}) through the Balance handler.
 */
class ActivityRoutesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static Services services;
    private static BalanceHandler handler;
    private static String account;
    private static String token;

    @BeforeAll
    static void seed() {
        services = TestServices.services(DYNAMO);
        handler = new BalanceHandler(services);
        account = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "t", "test").id();
        token = services.accountService().issueApiKey(account, "k", "test").token();
        services.accountService().topUp(account, 10 * CREDIT, "inv_1", "test");
        Hold hold = services.ledger().reserve(account, 2 * CREDIT, "req_a", Duration.ofMinutes(5));
        services.ledger().capture(hold, CREDIT / 2);
        Hold failed = services.ledger().reserve(account, CREDIT, "req_b", Duration.ofMinutes(5));
        services.ledger().release(failed, "upstream_error");

        usage("2026-04-10T09:00:00Z", "openai", "chat_completion", "byok", "ok", null, 120, 12, 80, 0, "byok_1");
        usage("2026-04-10T10:00:00Z", "openai", "chat_completion", "byok", "ok", null, 200, 20, 40, 0, "byok_1");
        usage("2026-04-16T12:00:00Z", "tavily", "search", "credits", "ok", null, 300, 0, 0, CREDIT, null);
        usage("2026-04-16T12:05:00Z", "tavily", "search", "credits", "error", "upstream_error", 900, 0, 0, 0, null);
        usage("2026-05-02T12:00:00Z", "tavily", "search", "credits", "ok", null, 100, 0, 0, CREDIT, null);
    }

    private static void usage(String at, String provider, String operation, String mode, String status, String error,
                              long latency, long in, long out, long credits, String byokKey) {
        usage(at, provider, operation, mode, status, error, latency, in, out, credits, byokKey, null, null);
    }

    private static void usage(String at, String provider, String operation, String mode, String status, String error,
                              long latency, long in, long out, long credits, String byokKey, String agent, String run) {
        Instant when = Instant.parse(at);
        services.usageStore().record(new UsageRecord(account, Ids.newId("use", when), Ids.newId("req", when), when,
                provider, operation, mode, status, error == null ? 200 : 502, error, latency, latency / 2, in, out, 0,
                credits, 0, byokKey, byokKey != null ? "personal" : "platform", null, null, "key_1", agent, run));
    }

    /** A second account whose calls belong to runs (kept apart so the usage totals above stay as they are). */
    private static String runsAccount() {
        String other = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "r", "test").id();
        String saved = account;
        account = other;
        try {
            usage("2026-04-16T12:00:00Z", "openai", "chat_completion", "byok", "ok", null, 100, 10, 50, 0, "byok_1",
                    "agt_0abc", "nightly-2026-04-16");
            usage("2026-04-16T12:01:00Z", "tavily", "search", "credits", "ok", null, 100, 0, 0, CREDIT, null,
                    "agt_0abc", "nightly-2026-04-16");
            usage("2026-04-16T12:02:00Z", "tavily", "search", "credits", "ok", null, 100, 0, 0, CREDIT, null,
                    "agt_0abc", null);
        } finally {
            account = saved;
        }
        return services.accountService().issueApiKey(other, "k", "test").token();
    }

    @Test
    void runsListTheirCallsTokensAndModesAndLedgerAndUsageExportAsCsv() throws Exception {
        String runsToken = runsAccount();
        Map<String, String> as = Map.of("tg_test_PLACEHOLDER", runsToken);
        var list = handler.handleRequest(ApiEvents.fromRepo("balance/list-runs.json", as), null);
        JsonNode runs = JSON.readTree(list.getBody()).path("data");
        assertEquals(2, runs.size(), list.getBody());
        JsonNode nightly = runs.path(1);
        assertEquals("nightly-2026-04-16", nightly.path("run_id").asText());
        assertEquals("agt_0abc", nightly.path("agent_id").asText());
        assertEquals(2, nightly.path("calls").asInt());
        assertEquals(50, nightly.path("output_tokens").asInt());
        assertEquals("1", nightly.path("credits").asText());
        assertEquals(1, nightly.path("modes").path("byok").asInt());
        assertTrue(runs.path(0).path("run_id").isNull(), "the agent's calls outside any run are a group of their own");

        var run = handler.handleRequest(ApiEvents.fromRepo("balance/get-run.json", as), null);
        assertEquals(200, run.getStatusCode(), run.getBody());
        assertEquals(2, JSON.readTree(run.getBody()).path("data").size());

        var ledger = handler.handleRequest(ApiEvents.fromRepo("balance/get-ledger-csv.json", Map.of("tg_test_PLACEHOLDER", token)), null);
        assertEquals(200, ledger.getStatusCode(), ledger.getBody());
        assertTrue(ledger.getHeaders().get("Content-Type").startsWith("text/csv"));
        assertEquals(6, ledger.getBody().split("\r\n").length, ledger.getBody());
        JsonNode providers = get("balance/list-providers.json", null, 200).path("data");
        JsonNode openai = providers.path(0);
        assertEquals("openai", openai.path("id").asText());
        assertTrue(openai.path("byok").asBoolean());
        assertTrue(openai.path("key_format").asText().contains("sk-"), openai.toString());
        providers.forEach(p -> {
            if (p.path("id").asText().equals("context7")) {
                assertTrue(p.path("free").asBoolean() && p.path("key_format").isNull(), p.toString());
            }
        });
        var usageCsv = handler.handleRequest(ApiEvents.fromRepo("balance/get-usage-csv.json", as), null);
        assertEquals(200, usageCsv.getStatusCode(), usageCsv.getBody());
        assertTrue(usageCsv.getBody().startsWith("key,calls,errors,"), usageCsv.getBody());
    }

    private static JsonNode get(String event, Map<String, String> query, int expectedStatus) throws Exception {
        APIGatewayV2HTTPEvent e = ApiEvents.fromRepo(event, Map.of("tg_test_PLACEHOLDER", token));
        if (query != null) {
            e.setQueryStringParameters(query);
        }
        var response = handler.handleRequest(e, null);
        assertEquals(expectedStatus, response.getStatusCode(), response.getBody());
        return JSON.readTree(response.getBody());
    }

    @Test
    void usageIsGroupedByProviderWithPercentilesAndByokIncluded() throws Exception {
        JsonNode body = get("balance/get-usage.json", null, 200);
        assertEquals("provider", body.path("group_by").asText());
        JsonNode groups = body.path("groups");
        assertEquals(2, groups.size());
        JsonNode openai = groups.path(0);
        assertEquals("openai", openai.path("key").asText());
        assertEquals(2, openai.path("calls").asInt());
        assertEquals(32, openai.path("input_tokens").asInt());
        assertEquals(120, openai.path("output_tokens").asInt());
        assertEquals("0", openai.path("credits").asText());
        assertEquals(120, openai.path("latency_ms").path("p50").asInt());
        assertEquals(200, openai.path("latency_ms").path("p95").asInt());
        JsonNode tavily = groups.path(1);
        assertEquals(2, tavily.path("calls").asInt(), "the May call is outside the range");
        assertEquals(1, tavily.path("errors").asInt());
        assertEquals("1", tavily.path("credits").asText());
        assertEquals(4, body.path("totals").path("calls").asInt());
    }

    @Test
    void usageGroupsByDayModeKeyAndOperation() throws Exception {
        Map<String, String> q = new HashMap<>(Map.of("from", "2026-04-01", "to", "2026-05-31"));
        q.put("group_by", "day");
        JsonNode days = get("balance/get-usage.json", q, 200).path("groups");
        assertEquals(List.of("2026-04-10", "2026-04-16", "2026-05-02"), keys(days));
        q.put("group_by", "mode");
        assertEquals(List.of("byok", "credits"), keys(get("balance/get-usage.json", q, 200).path("groups")));
        q.put("group_by", "key");
        assertEquals(List.of("byok_1", "platform"), keys(get("balance/get-usage.json", q, 200).path("groups")));
        q.put("group_by", "operation");
        assertEquals(List.of("openai_chat_completion", "tavily_search"), keys(get("balance/get-usage.json", q, 200).path("groups")));
        q.put("group_by", "colour");
        assertEquals("validation_failed", get("balance/get-usage.json", q, 400).path("error").path("code").asText());
        assertEquals("validation_failed", get("balance/get-usage.json",
                Map.of("from", "2026-05-01", "to", "2026-04-01"), 400).path("error").path("code").asText());
        assertEquals("validation_failed", get("balance/get-usage.json",
                Map.of("from", "yesterday"), 400).path("error").path("code").asText());
    }

    private static List<String> keys(JsonNode groups) {
        List<String> out = new ArrayList<>();
        groups.forEach(g -> out.add(g.path("key").asText()));
        return out;
    }

    @Test
    void theLedgerIsNewestFirstWithOpaqueCursors() throws Exception {
        List<String> types = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, String> q = new HashMap<>(Map.of("limit", "2"));
            if (cursor != null) {
                q.put("cursor", cursor);
            }
            JsonNode page = get("balance/get-ledger.json", q, 200);
            assertTrue(page.path("data").size() <= 2);
            page.path("data").forEach(e -> types.add(e.path("type").asText()));
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
        } while (cursor != null);
        assertEquals(List.of("release", "hold", "capture", "hold", "topup"), types);

        JsonNode first = get("balance/get-ledger.json", null, 200).path("data");
        JsonNode capture = first.path(2);
        assertEquals("0.5", capture.path("amount").asText());
        assertEquals("1.5", capture.path("balance_change").asText());
        assertTrue(capture.path("balance_after").isMissingNode(), "no balance after: see docs/API.md");
        assertTrue(capture.path("hold_id").asText().startsWith("hold_"));
        assertEquals("req_a", capture.path("request_id").asText());
        assertEquals("upstream_error", first.path(0).path("reason").asText());

        assertEquals("invalid_cursor", get("balance/get-ledger.json", Map.of("cursor", "garbage!"), 400)
                .path("error").path("code").asText());
        assertEquals("validation_failed", get("balance/get-ledger.json", Map.of("limit", "101"), 400)
                .path("error").path("code").asText());
        assertEquals("validation_failed", get("balance/get-ledger.json", Map.of("limit", "0"), 400)
                .path("error").path("code").asText());
    }
}
