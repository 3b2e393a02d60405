package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.RepoRoot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the console needs from the API (issue 12), over HTTP through the real functions with the mock upstreams:
 * personal agents, the run history with token counts (REST header and MCP {@code _meta}), and the ledger and usage as
 * CSV. Who may see workspace keys is in {@link AuthorizationMatrixIT}.
 */
class ConsoleApiIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CHAT = "{\"tool\":\"openai\",\"operation\":\"chat_completion\",\"input\":{\"model\":"
            + "\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
    private static final String SEARCH = "{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"q\"}}";

    private static MockUpstreams mocks;
    private static LocalTollgate tollgate;
    private static String base;

    record Reply(int status, Map<String, List<String>> headers, String text) {
        JsonNode json() {
            try {
                return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
            } catch (Exception e) {
                throw new AssertionError(text, e);
            }
        }

        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(java.util.Locale.ROOT), List.of()).stream().findFirst().orElse(null);
        }
    }

    @BeforeAll
    static void start() {
        mocks = MockUpstreams.start(ProviderCatalog.load(Config.of(Map.of())));
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(mocks.environment()));
        mocks.registerPlatformKeys(tollgate.baseUrl(), tollgate.adminToken());
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void stop() {
        tollgate.close();
        mocks.close();
    }

    /** A fresh pro person with {@code credits} credits; returns their API key. */
    private static String person(long credits) {
        var accounts = tollgate.services().accountService();
        Account account = accounts.create(Account.Type.PERSONAL, Plan.PRO, "p", "test");
        accounts.topUp(account.id(), credits * Credits.MICROS_PER_CREDIT, "seed-" + account.id(), "test");
        return accounts.issueApiKey(account.id(), "k", "test").token();
    }

    private static Reply call(String method, String path, String token, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.headers().map(), response.body());
    }

    private static JsonNode ok(Reply reply) {
        assertTrue(reply.status() >= 200 && reply.status() < 300, reply.status() + " " + reply.text());
        return reply.json();
    }

    private static void expectError(int status, String code, Reply reply) {
        assertEquals(status, reply.status(), reply.text());
        assertEquals(code, reply.json().path("error").path("code").asText(), reply.text());
    }

    @Test
    void aPersonsOwnAgentPinsTheirKeyActsForTheirAccountAndKeepsItsKeyInUse() throws Exception {
        String owner = person(10);
        String byok = ok(call("POST", "/api/v1/byok", owner,
                "{\"provider\":\"openai\",\"api_key\":\"" + MockUpstreams.FAKE_KEYS.get("openai") + "\"}")).path("id").asText();
        JsonNode created = ok(call("POST", "/api/v1/agents", owner,
                "{\"name\":\"nightly\",\"key_bindings\":{\"openai\":\"" + byok + "\"}}"));
        String agentId = created.path("id").asText();
        String agentKey = created.path("api_key").asText();
        assertTrue(agentKey.startsWith("tg_test_"), created.toString());
        assertNull(created.get("workspace").textValue(), "a personal agent belongs to no workspace");
        String accountId = ok(call("GET", "/api/v1/key", owner, null)).path("account_id").asText();
        assertEquals(accountId, created.path("account_id").asText());

        JsonNode listed = ok(call("GET", "/api/v1/agents", owner, null)).path("data");
        assertEquals(1, listed.size());
        assertFalse(listed.toString().contains("tg_test_"), "the agent key is shown once, on creation");

        JsonNode billing = ok(call("POST", "/api/v1/execute", agentKey, CHAT)).path("billing");
        assertEquals("byok", billing.path("mode").asText());
        assertEquals("agent", billing.path("key_source").asText());
        assertEquals(byok, billing.path("byok_key_id").asText());
        assertEquals(accountId, ok(call("GET", "/api/v1/key", agentKey, null)).path("account_id").asText());

        expectError(403, "forbidden", call("GET", "/api/v1/agents", agentKey, null));
        expectError(403, "forbidden", call("POST", "/api/v1/agents", agentKey, "{\"name\":\"child\"}"));
        assertEquals(0, ok(call("GET", "/api/v1/workspaces", agentKey, null)).path("data").size());
        expectError(404, "not_found", call("GET", "/api/v1/agents/" + agentId, person(1), null));

        Reply inUse = call("DELETE", "/api/v1/byok/" + byok, owner, null);
        expectError(409, "key_in_use", inUse);
        assertEquals(agentId, inUse.json().path("error").path("agents").get(0).asText());
        assertEquals("nightly", inUse.json().path("error").path("agent_names").get(0).asText());
        assertEquals(204, call("DELETE", "/api/v1/byok/" + byok + "?force=true", owner, null).status());
        assertEquals(0, ok(call("GET", "/api/v1/agents/" + agentId, owner, null)).path("key_bindings").size());
        JsonNode credits = ok(call("POST", "/api/v1/execute", agentKey, CHAT)).path("billing");
        assertEquals("credits", credits.path("mode").asText(), "no key left: the agent pays with its owner's credits");

        assertEquals(204, call("DELETE", "/api/v1/agents/" + agentId, owner, null).status());
        assertEquals(401, call("GET", "/api/v1/key", agentKey, null).status());
    }

    @Test
    void runsGroupCallsByAgentAndRunIdWithTokensModesAndCredits() throws Exception {
        String owner = person(10);
        JsonNode agent = ok(call("POST", "/api/v1/agents", owner, "{\"name\":\"researcher\"}"));
        String agentKey = agent.path("api_key").asText();
        String agentId = agent.path("id").asText();
        ok(call("POST", "/api/v1/byok", owner,
                "{\"provider\":\"openai\",\"api_key\":\"" + MockUpstreams.FAKE_KEYS.get("openai") + "\"}"));

        JsonNode chat = ok(call("POST", "/api/v1/execute", owner, CHAT, "X-Tollgate-Run", "run-a"));
        ok(call("POST", "/api/v1/execute", owner, SEARCH, "X-Tollgate-Run", "run-a"));
        ok(call("POST", "/api/v1/execute", agentKey, SEARCH, "X-Tollgate-Run", "run-b"));
        ok(call("POST", "/api/v1/execute", agentKey, SEARCH));
        ok(call("POST", "/api/v1/execute", owner, SEARCH));
        JsonNode mcp = ok(call("POST", "/mcp", owner, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"q\"},\"_meta\":{\"tollgate/run\":\"run-mcp\"}}}",
                "Accept", "application/json, text/event-stream"));
        assertFalse(mcp.path("result").path("isError").asBoolean(), mcp.toString());
        String searchCall = "\"type\":\"function\",\"function\":{\"name\":\"tavily_search\","
                + "\"arguments\":\"{\\\"query\\\":\\\"q\\\"}\"}}";
        JsonNode batch = ok(call("POST", "/api/v1/tool-calls", owner, "{\"tool_calls\":[{\"id\":\"call_r1\","
                + searchCall + ",{\"id\":\"call_r2\"," + searchCall + "]}", "X-Tollgate-Run", "run-tools"));
        assertTrue(batch.path("billing").get(1).path("error_code").isNull(), batch.toString());
        JsonNode a2a = ok(call("POST", "/a2a", owner, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"message/send\",\"params\":"
                + "{\"message\":{\"kind\":\"message\",\"role\":\"user\",\"messageId\":\"m-run\",\"metadata\":"
                + "{\"tollgate/run\":\"run-a2a\"},\"parts\":[{\"kind\":\"data\",\"data\":{\"name\":\"tavily_search\","
                + "\"arguments\":{\"query\":\"q\"}}}]}}}"));
        assertEquals("completed", a2a.path("result").path("status").path("state").asText(), a2a.toString());

        JsonNode runs = ok(call("GET", "/api/v1/runs", owner, null)).path("data");
        Map<String, JsonNode> byRun = new LinkedHashMap<>();
        runs.forEach(r -> byRun.put(r.path("run_id").isNull() ? "agent:" + r.path("agent_id").asText()
                : r.path("run_id").asText(), r));
        assertEquals(Set.of("run-a", "run-b", "run-mcp", "run-tools", "run-a2a", "agent:" + agentId), byRun.keySet(),
                runs.toString());
        assertEquals(2, byRun.get("run-tools").path("calls").asInt(), "one run for the whole batch");
        assertEquals(1, byRun.get("run-a2a").path("calls").asInt());
        JsonNode runA = byRun.get("run-a");
        assertEquals(2, runA.path("calls").asInt());
        assertEquals(chat.path("billing").path("usage").path("input_tokens").asLong(), runA.path("input_tokens").asLong());
        assertEquals(chat.path("billing").path("usage").path("output_tokens").asLong(), runA.path("output_tokens").asLong());
        assertTrue(runA.path("output_tokens").asLong() > 0, runA.toString());
        assertEquals(1, runA.path("modes").path("byok").asInt());
        assertEquals(1, runA.path("modes").path("credits").asInt());
        assertEquals(0, runA.path("credits").decimalValue().compareTo(new java.math.BigDecimal("1")), runA.toString());
        assertTrue(runA.path("agent_id").isNull());
        assertEquals(agentId, byRun.get("run-b").path("agent_id").asText());

        JsonNode calls = ok(call("GET", "/api/v1/runs/run-a", owner, null));
        assertEquals(2, calls.path("data").size());
        assertEquals("openai", calls.path("data").get(0).path("provider").asText(), "oldest first");
        assertEquals("byok", calls.path("data").get(0).path("mode").asText());
        assertEquals(chat.path("billing").path("request_id").asText(), calls.path("data").get(0).path("request_id").asText());

        // Pages of one cover every run exactly once, and the calls of a run page too.
        Set<String> paged = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = ok(call("GET", "/api/v1/runs?limit=1" + (cursor == null ? "" : "&cursor=" + cursor), owner, null));
            page.path("data").forEach(r -> paged.add(r.path("run_id").asText() + "/" + r.path("agent_id").asText()));
            cursor = page.path("next_cursor").textValue();
            pages++;
        } while (cursor != null && pages < 10);
        assertEquals(runs.size(), paged.size());
        assertEquals(runs.size(), pages);
        JsonNode first = ok(call("GET", "/api/v1/runs/run-a?limit=1", owner, null));
        JsonNode second = ok(call("GET", "/api/v1/runs/run-a?limit=1&cursor=" + first.path("next_cursor").asText(), owner, null));
        assertEquals("tavily", second.path("data").get(0).path("provider").asText());

        JsonNode byAgent = ok(call("GET", "/api/v1/runs?agent=" + agentId, owner, null)).path("data");
        assertEquals(2, byAgent.size(), byAgent.toString());
        byAgent.forEach(r -> assertEquals(agentId, r.path("agent_id").asText()));
        JsonNode usage = ok(call("GET", "/api/v1/usage?group_by=run", owner, null));
        assertTrue(usage.toString().contains("\"key\":\"run-mcp\""), usage.toString());

        Reply badHeader = call("POST", "/api/v1/execute", owner, SEARCH, "X-Tollgate-Run", "no spaces please");
        expectError(400, "validation_failed", badHeader);
        assertEquals("/headers/X-Tollgate-Run", badHeader.json().path("error").path("pointer").asText());
        JsonNode badMeta = ok(call("POST", "/mcp", owner, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"q\"},\"_meta\":{\"tollgate/run\":\"" + "x".repeat(129) + "\"}}}",
                "Accept", "application/json, text/event-stream"));
        assertEquals(-32602, badMeta.path("error").path("code").asInt(), badMeta.toString());
        Reply badBatch = call("POST", "/api/v1/tool-calls", owner, "{\"tool_calls\":[{\"id\":\"call_x\","
                + searchCall + "]}", "X-Tollgate-Run", "a/b");
        expectError(400, "validation_failed", badBatch);
        assertEquals("/headers/X-Tollgate-Run", badBatch.json().path("error").path("pointer").asText());
        JsonNode badA2a = ok(call("POST", "/a2a", owner, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"message/send\","
                + "\"params\":{\"message\":{\"kind\":\"message\",\"role\":\"user\",\"messageId\":\"m-bad\",\"metadata\":"
                + "{\"tollgate/run\":\"a b\"},\"parts\":[{\"kind\":\"data\",\"data\":{\"name\":\"tavily_search\"}}]}}}"));
        assertEquals(-32602, badA2a.path("error").path("code").asInt(), badA2a.toString());
        expectError(404, "not_found", call("GET", "/api/v1/runs/run-a", person(1), null));
        expectError(404, "not_found", call("GET", "/api/v1/runs/no-such-run", owner, null));
        expectError(400, "invalid_cursor", call("GET", "/api/v1/runs?cursor=bm9wZQ", owner, null));
    }

    @Test
    void ledgerAndUsageDownloadAsCsvPageByPageAndFormulaSafe() throws Exception {
        String owner = person(10);
        String accountId = ok(call("GET", "/api/v1/key", owner, null)).path("account_id").asText();
        tollgate.services().accountService().topUp(accountId, Credits.MICROS_PER_CREDIT, "=HYPERLINK(\"http://x\",\"y\")", "test");
        ok(call("POST", "/api/v1/execute", owner, SEARCH));

        Reply csv = call("GET", "/api/v1/ledger?format=csv", owner, null);
        assertEquals(200, csv.status(), csv.text());
        assertTrue(csv.header("Content-Type").startsWith("text/csv"), csv.headers().toString());
        assertTrue(csv.header("Content-Disposition").contains("tollgate-ledger.csv"));
        String[] lines = csv.text().split("\r\n");
        assertEquals("id,created_at,type,amount,balance_change,hold_id,request_id,reference,reason", lines[0]);
        JsonNode json = ok(call("GET", "/api/v1/ledger", owner, null)).path("data");
        assertEquals(json.size() + 1, lines.length, csv.text());
        assertTrue(csv.text().contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), csv.text());
        assertTrue(csv.text().contains(",-1,"), "a negative amount stays a number: " + csv.text());

        Reply page = call("GET", "/api/v1/ledger?limit=1", owner, null, "Accept", "text/csv");
        assertEquals(2, page.text().split("\r\n").length);
        String next = page.header("X-Next-Cursor");
        assertTrue(next != null && !next.isBlank(), page.headers().toString());
        Reply rest = call("GET", "/api/v1/ledger?format=csv&limit=100&cursor=" + next, owner, null);
        assertEquals(lines.length - 1, rest.text().split("\r\n").length, rest.text());
        assertNull(rest.header("X-Next-Cursor"));

        Reply usage = call("GET", "/api/v1/usage?group_by=mode", owner, null, "Accept", "text/csv");
        assertEquals("key,calls,errors,input_tokens,output_tokens,characters,credits,latency_p50_ms,latency_p95_ms",
                usage.text().split("\r\n")[0]);
        assertTrue(usage.text().split("\r\n")[1].startsWith("credits,1,0,0,0,0,1,"), usage.text());
        assertTrue(usage.header("Content-Disposition").contains("tollgate-usage-by-mode.csv"));
        assertEquals("application/json", call("GET", "/api/v1/usage?format=json", owner, null, "Accept", "text/csv")
                .header("Content-Type"));
        expectError(400, "validation_failed", call("GET", "/api/v1/ledger?format=xml", owner, null));
        List<String> empty = new ArrayList<>(List.of(call("GET", "/api/v1/usage?format=csv&from=2020-01-01&to=2020-01-02",
                owner, null).text().split("\r\n")));
        assertEquals(1, empty.size(), "an empty export still has its header row");
    }
}
