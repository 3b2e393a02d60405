package dev.tollgate.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.RepoRoot;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Billing over MCP, end to end: the local runner with WireMock upstreams, driven by the official MCP Java SDK
 * client. A free tool, a BYOK tool (0 credits), a credits tool (balance drops by the price), a BYOK key the provider
 * rejects (isError, balance unchanged), idempotent retries, and the same calls over REST and MCP leaving identical
 * ledger and usage records.
 */
class McpBillingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;
    private static final String PLATFORM_TAVILY = "tvly-platPLATplatPLATplat01";
    private static final String BYOK_OPENAI = "sk-proj-byokBYOKbyokBYOK0123456789";
    private static final String BYOK_ANTHROPIC_REVOKED = "sk-ant-api03-revokedREVOKEDrevokedREVOKED0123";
    private static final JsonSchemaValidator NO_OUTPUT_SCHEMAS =
            (schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(String.valueOf(content));

    private static WireMockServer upstream;
    private static LocalTollgate tollgate;
    private static String base;

    @BeforeAll
    static void start() {
        upstream = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        String wm = "http://127.0.0.1:" + upstream.port();
        upstream.stubFor(post(urlPathEqualTo("/tavily/search"))
                .withHeader("Authorization", equalTo("Bearer " + PLATFORM_TAVILY))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"query\":\"mcp\",\"results\":[{\"title\":\"Model Context Protocol\"}]}")));
        upstream.stubFor(get(urlPathEqualTo("/context7/v1/search")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[{\"id\":\"/facebook/react\"}]}")));
        upstream.stubFor(post(urlPathEqualTo("/openai/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer " + BYOK_OPENAI))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello.\"}}],"
                                + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":2}}")));
        upstream.stubFor(post(urlPathEqualTo("/anthropic/v1/messages")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}")));

        Map<String, String> env = new HashMap<>();
        env.put("TOLLGATE_UPSTREAM_TAVILY_URL", wm + "/tavily");
        env.put("TOLLGATE_UPSTREAM_CONTEXT7_URL", wm + "/context7");
        env.put("TOLLGATE_UPSTREAM_OPENAI_URL", wm + "/openai");
        env.put("TOLLGATE_UPSTREAM_ANTHROPIC_URL", wm + "/anthropic");
        env.put("TOLLGATE_PLATFORM_KEY_TAVILY", PLATFORM_TAVILY);
        env.put("TOLLGATE_MCP_PAGE_SIZE", "5");
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(env));
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void stop() {
        try {
            tollgate.close();
        } finally {
            upstream.stop();
        }
    }

    /** A fresh pro person with {@code credits} and an API key; accounts never share state between tests. */
    private static String customer(long credits) {
        var accounts = tollgate.services().accountService();
        Account account = accounts.create(Account.Type.PERSONAL, Plan.PRO, "mcp-billing", "test");
        if (credits > 0) {
            accounts.topUp(account.id(), credits * CREDIT, "seed-" + account.id(), "test");
        }
        return accounts.issueApiKey(account.id(), "k", "test").token();
    }

    private static McpSyncClient mcp(String token) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp")
                        .customizeRequest(request -> request.header("Authorization", "Bearer " + token)).build())
                .requestTimeout(Duration.ofSeconds(20))
                .jsonSchemaValidator(NO_OUTPUT_SCHEMAS)
                .build();
        client.initialize();
        return client;
    }

    private static JsonNode rest(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        assertTrue(response.statusCode() < 300, method + " " + path + " → " + response.statusCode() + " " + response.body());
        return json;
    }

    private static BigDecimal balance(String token) throws Exception {
        return rest("GET", "/api/v1/key", token, null).path("credits_remaining").decimalValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> meta(McpSchema.CallToolResult result, String key) {
        return (Map<String, Object>) result.meta().get(key);
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments,
                                                 String idempotencyKey) {
        Map<String, Object> meta = idempotencyKey == null ? null : Map.of("tollgate/idempotency_key", idempotencyKey);
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments, meta));
    }

    private static final Map<String, Object> SEARCH = Map.of("query", "mcp");

    @Test
    void listsEveryToolInPagesWithTheBillingModeThatAppliesNow() throws Exception {
        String token = customer(0);
        rest("POST", "/api/v1/byok", token, "{\"provider\":\"openai\",\"api_key\":\"" + BYOK_OPENAI + "\"}");
        try (McpSyncClient client = mcp(token)) {
            List<McpSchema.Tool> tools = new ArrayList<>();
            int pages = 0;
            String cursor = null;
            do {
                McpSchema.ListToolsResult page = client.listTools(cursor);
                assertTrue(page.tools().size() <= 5);
                tools.addAll(page.tools());
                cursor = page.nextCursor();
                pages++;
            } while (cursor != null);
            int catalog = tollgate.services().catalog().operations().size();
            assertEquals(catalog + 1, tools.size());
            assertEquals((catalog + 1 + 4) / 5, pages);
            Map<String, McpSchema.Tool> byName = new LinkedHashMap<>();
            tools.forEach(t -> byName.put(t.name(), t));
            assertEquals("byok", byName.get("openai_chat_completion").meta().get("tollgate/billing_mode"));
            assertEquals("credits", byName.get("tavily_search").meta().get("tollgate/billing_mode"));
            assertEquals("free", byName.get("context7_resolve_library").meta().get("tollgate/billing_mode"));
            assertEquals("unavailable", byName.get("ollama_chat").meta().get("tollgate/billing_mode"));
            assertFalse(byName.get("twilio_send_sms").annotations().readOnlyHint());
            assertTrue(byName.get("tavily_search").annotations().readOnlyHint());
        }
    }

    @Test
    void freeByokCreditsAndRejectedKeyCallsAreBilledAsOverRest() throws Exception {
        String token = customer(10);
        rest("POST", "/api/v1/byok", token, "{\"provider\":\"openai\",\"api_key\":\"" + BYOK_OPENAI + "\"}");
        rest("POST", "/api/v1/byok", token, "{\"provider\":\"anthropic\",\"api_key\":\"" + BYOK_ANTHROPIC_REVOKED + "\"}");
        try (McpSyncClient client = mcp(token)) {
            var free = call(client, "context7_resolve_library", Map.of("query", "react"), null);
            assertFalse(free.isError(), String.valueOf(free));
            assertEquals("free", meta(free, "tollgate/billing").get("mode"));
            assertEquals(0, new BigDecimal("10").compareTo(balance(token)));

            var byok = call(client, "openai_chat_completion", Map.of("model", "gpt-4o",
                    "messages", List.of(Map.of("role", "user", "content", "Hi"))), null);
            assertFalse(byok.isError(), String.valueOf(byok));
            Map<String, Object> byokBilling = meta(byok, "tollgate/billing");
            assertEquals("byok", byokBilling.get("mode"));
            assertEquals(0, new BigDecimal(String.valueOf(byokBilling.get("credits_charged"))).signum());
            assertNotNull(byok.structuredContent());
            assertEquals(0, new BigDecimal("10").compareTo(balance(token)), "BYOK costs 0 credits");

            var credits = call(client, "tavily_search", SEARCH, null);
            assertFalse(credits.isError(), String.valueOf(credits));
            Map<String, Object> creditsBilling = meta(credits, "tollgate/billing");
            assertEquals("credits", creditsBilling.get("mode"));
            assertEquals(0, BigDecimal.ONE.compareTo(new BigDecimal(String.valueOf(creditsBilling.get("credits_charged")))));
            assertEquals(0, new BigDecimal("9").compareTo(balance(token)), "the balance drops by the price");

            var rejected = call(client, "anthropic_messages", Map.of("model", "claude-haiku", "max_tokens", 16,
                    "messages", List.of(Map.of("role", "user", "content", "Hi"))), null);
            assertTrue(rejected.isError());
            assertEquals("byok_key_rejected", meta(rejected, "tollgate/error").get("code"));
            assertTrue(((McpSchema.TextContent) rejected.content().get(0)).text().contains("byok_key_rejected"));
            assertFalse(rejected.toString().contains(BYOK_ANTHROPIC_REVOKED), "the key never comes back");
            assertEquals(0, new BigDecimal("9").compareTo(balance(token)), "a rejected key is not charged");
        }
        // The caller's Tollgate token never travels upstream.
        upstream.findAll(anyRequestedFor(anyUrl())).forEach(r -> assertFalse(r.toString().contains(token), r.getUrl()));
    }

    @Test
    void anIdempotencyKeyReplaysOverMcpAndAcrossDoors() throws Exception {
        String token = customer(5);
        String key = "mcp-retry-" + token.substring(token.length() - 8);
        int before = upstream.findAll(postRequestedFor(urlPathEqualTo("/tavily/search"))).size();
        try (McpSyncClient client = mcp(token)) {
            var first = call(client, "tavily_search", SEARCH, key);
            var again = call(client, "tavily_search", SEARCH, key);
            assertFalse(first.isError());
            assertEquals(Boolean.TRUE, again.meta().get("tollgate/replayed"));
            assertEquals(first.structuredContent(), again.structuredContent());
        }
        // The same call over REST with the same key is the same request: replayed, not charged again.
        HttpResponse<String> overRest = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/execute"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"mcp\"}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, overRest.statusCode(), overRest.body());
        assertEquals("true", overRest.headers().firstValue("Idempotent-Replayed").orElse(""));
        assertEquals(before + 1, upstream.findAll(postRequestedFor(urlPathEqualTo("/tavily/search"))).size());
        assertEquals(0, new BigDecimal("4").compareTo(balance(token)), "charged once");
    }

    @Test
    void theSameCallsOverRestAndMcpLeaveIdenticalLedgerAndUsage() throws Exception {
        String viaRest = customer(10);
        String viaMcp = customer(10);
        for (String token : List.of(viaRest, viaMcp)) {
            rest("POST", "/api/v1/byok", token, "{\"provider\":\"openai\",\"api_key\":\"" + BYOK_OPENAI + "\"}");
        }
        String chat = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        rest("POST", "/api/v1/execute", viaRest, "{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"mcp\"}}");
        rest("POST", "/api/v1/execute", viaRest, "{\"tool\":\"openai\",\"operation\":\"chat_completion\",\"input\":" + chat + "}");
        rest("POST", "/api/v1/execute", viaRest, "{\"tool\":\"context7\",\"operation\":\"resolve_library\",\"input\":{\"query\":\"react\"}}");
        try (McpSyncClient client = mcp(viaMcp)) {
            assertFalse(call(client, "tavily_search", SEARCH, null).isError());
            assertFalse(call(client, "openai_chat_completion", JSON.readValue(chat, Map.class), null).isError());
            assertFalse(call(client, "context7_resolve_library", Map.of("query", "react"), null).isError());
        }
        assertEquals(balance(viaRest), balance(viaMcp));
        List<String> restLedger = ledger(viaRest);
        assertTrue(restLedger.stream().anyMatch(e -> e.startsWith("hold "))
                && restLedger.stream().anyMatch(e -> e.startsWith("capture ")), restLedger.toString());
        assertEquals(3, usage(viaRest, "operation").size());
        assertEquals(restLedger, ledger(viaMcp));
        for (String groupBy : List.of("operation", "mode", "provider")) {
            assertEquals(usage(viaRest, groupBy), usage(viaMcp, groupBy), groupBy);
        }
    }

    /** tools/list (first page) and a billed tools/call, exactly as exchanged, for docs/MCP.md. */
    @Test
    void recordsABilledSession() throws Exception {
        String token = customer(10);
        StringBuilder transcript = new StringBuilder();
        for (String body : List.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"tavily_search\","
                        + "\"arguments\":{\"query\":\"mcp\"},\"_meta\":{\"tollgate/idempotency_key\":\"demo-2\"}}}")) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2025-11-25")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            transcript.append("> POST /mcp\n> ").append(body).append("\n< 200 application/json\n< ")
                    .append(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(response.body())))
                    .append("\n\n");
        }
        assertEquals(0, new BigDecimal("9").compareTo(balance(token)));
        java.nio.file.Path out = java.nio.file.Path.of("target", "mcp-session-billed.txt");
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, transcript.toString().replace(token, "tg_test_…"));
    }

    /** Ledger entries, newest first, without ids, times and request ids (which differ by construction). */
    private static List<String> ledger(String token) throws Exception {
        List<String> out = new ArrayList<>();
        rest("GET", "/api/v1/ledger?limit=100", token, null).path("data").forEach(e -> out.add(e.path("type").asText()
                + " " + e.path("amount").asText() + " (" + e.path("balance_change").asText() + ")"));
        assertFalse(out.isEmpty());
        return out;
    }

    /** Usage groups: key, calls, errors, tokens, credits (latency differs run to run). */
    private static List<String> usage(String token, String groupBy) throws Exception {
        List<String> out = new ArrayList<>();
        rest("GET", "/api/v1/usage?group_by=" + groupBy, token, null).path("groups").forEach(g -> out.add(
                g.path("key").asText() + " calls=" + g.path("calls").asText() + " errors=" + g.path("errors").asText()
                        + " in=" + g.path("input_tokens").asText() + " out=" + g.path("output_tokens").asText()
                        + " credits=" + g.path("credits").asText()));
        assertFalse(out.isEmpty());
        return out;
    }
}
