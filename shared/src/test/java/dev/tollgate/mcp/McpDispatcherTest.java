package dev.tollgate.mcp;

import static dev.tollgate.mcp.McpTestSupport.call;
import static dev.tollgate.mcp.McpTestSupport.headers;
import static dev.tollgate.mcp.McpTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.execution.ExecutionRequest;
import dev.tollgate.execution.ToolExecutor;
import dev.tollgate.execution.ToolView;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.json.Json;
import dev.tollgate.paging.Page;
import dev.tollgate.testing.FakeToolExecutor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JSON-RPC over {@code POST /mcp}: lifecycle, errors, batches, and the tools a caller lists and calls. */
class McpDispatcherTest {
    private final McpTestSupport mcp = new McpTestSupport();

    private static JsonNode rpcError(ApiResponse response, int status, int code) {
        assertEquals(status, response.status(), response.body());
        JsonNode body = json(response);
        assertEquals("2.0", body.path("jsonrpc").asText());
        assertEquals(code, body.path("error").path("code").asInt(), response.body());
        assertFalse(body.has("result"));
        return body;
    }

    private JsonNode result(String body) {
        ApiResponse response = mcp.post(body);
        assertEquals(200, response.status(), response.body());
        JsonNode json = json(response);
        assertFalse(json.has("error"), response.body());
        return json.path("result");
    }

    private JsonNode callTool(String params) {
        return result(call(5, "tools/call", params));
    }

    // ---- lifecycle --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2025-06-18", "2025-03-26"})
    void initializeAnswersTheClientsVersionWhenSupported(String version) {
        JsonNode result = result(call("init-1", "initialize", "{\"protocolVersion\":\"" + version
                + "\",\"capabilities\":{\"roots\":{\"listChanged\":true}},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}"));
        assertEquals(version, result.path("protocolVersion").asText());
        assertEquals(false, result.path("capabilities").path("tools").path("listChanged").asBoolean(true));
        assertFalse(result.path("capabilities").has("resources"));
        assertEquals("tollgate", result.path("serverInfo").path("name").asText());
        assertEquals("9.9.9", result.path("serverInfo").path("version").asText());
        assertTrue(result.path("instructions").asText().contains("tollgate_account"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-11-05", "2026-01-01", "latest"})
    void initializeAnswersTheNewestVersionOtherwise(String version) {
        JsonNode result = result(call(1, "initialize", "{\"protocolVersion\":\"" + version + "\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}"));
        assertEquals("2025-11-25", result.path("protocolVersion").asText());
    }

    @Test
    void initializeWithoutProtocolVersionIsInvalidParams() {
        JsonNode body = rpcError(mcp.post(call(3, "initialize", "{\"capabilities\":{}}")), 200, -32602);
        assertEquals(3, body.path("id").asInt());
    }

    @Test
    void pingAnswersAnEmptyObject() {
        JsonNode body = json(mcp.post(call("p", "ping", null)));
        assertEquals("p", body.path("id").asText());
        assertTrue(body.path("result").isObject() && body.path("result").isEmpty());
    }

    @Test
    void idsAreEchoedExactly() {
        assertEquals(9007199254740993L, json(mcp.post(call(9007199254740993L, "ping", null))).path("id").asLong());
        assertEquals("ab c", json(mcp.post(call("ab c", "ping", null))).path("id").asText());
    }

    // ---- JSON-RPC errors --------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"{", "not json", "{\"jsonrpc\":\"2.0\",", ""})
    void unparseableBodyIsParseError(String body) {
        JsonNode error = rpcError(mcp.post(body), 400, -32700);
        assertTrue(error.get("id").isNull());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "42",
            "\"ping\"",
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
            "{\"id\":1,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}"})
    void malformedMessagesAreInvalidRequest(String body) {
        ApiResponse response = mcp.post(body);
        JsonNode json = json(response);
        assertEquals(-32600, json.path("error").path("code").asInt(), response.body());
        // 200 when the error can name the request it answers, 400 otherwise.
        assertEquals(json.get("id").isNull() ? 400 : 200, response.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"resources/list", "prompts/list", "tools/unknown", "completion/complete", "logging/setLevel"})
    void unknownMethodsAreMethodNotFound(String method) {
        JsonNode body = rpcError(mcp.post(call(4, method, "{}")), 200, -32601);
        assertEquals(4, body.path("id").asInt());
        assertTrue(body.path("error").path("message").asText().contains(method));
    }

    @Test
    void paramsThatAreNotAnObjectAreInvalidParams() {
        rpcError(mcp.post(call(4, "tools/list", "[1,2]")), 200, -32602);
        rpcError(mcp.post(call(4, "tools/call", "\"x\"")), 200, -32602);
    }

    // ---- batches ----------------------------------------------------------------------------------------------

    private static final String BATCH = "[" + call(1, "ping", null) + ","
            + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}," + call("two", "tools/list", null) + ","
            + "17," + call(3, "nope", null) + "]";

    @Test
    void batchesAreServedUnder20250326() {
        ApiResponse response = mcp.post(headers("mcp-protocol-version", "2025-03-26"), BATCH);
        assertEquals(200, response.status(), response.body());
        JsonNode array = json(response);
        assertTrue(array.isArray());
        assertEquals(4, array.size(), "no response for the notification");
        assertEquals(1, array.get(0).path("id").asInt());
        assertTrue(array.get(0).path("result").isObject());
        assertEquals("two", array.get(1).path("id").asText());
        assertTrue(array.get(1).path("result").path("tools").isArray());
        assertEquals(-32600, array.get(2).path("error").path("code").asInt());
        assertEquals(-32601, array.get(3).path("error").path("code").asInt());
    }

    @Test
    void withoutAVersionHeaderA20250326ClientIsAssumedAndMayBatch() {
        ApiResponse response = mcp.post(headers("mcp-protocol-version", null), BATCH);
        assertEquals(200, response.status());
        assertEquals(4, json(response).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-06-18", "2025-11-25"})
    void batchesAreRefusedFrom20250618On(String version) {
        JsonNode body = rpcError(mcp.post(headers("mcp-protocol-version", version), BATCH), 400, -32600);
        assertTrue(body.get("id").isNull());
        assertTrue(mcp.executor.limits.isEmpty(), "nothing in the batch ran");
    }

    @Test
    void aBatchOfNotificationsIs202AndAnEmptyBatchIsInvalid() {
        var headers = headers("mcp-protocol-version", "2025-03-26");
        ApiResponse notifications = mcp.post(headers, "[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":1}}]");
        assertEquals(202, notifications.status());
        assertNull(notifications.body());
        rpcError(mcp.post(headers, "[]"), 400, -32600);
    }

    @Test
    void initializeMustNotBeBatched() {
        ApiResponse response = mcp.post(headers("mcp-protocol-version", "2025-03-26"), "[" + call(1, "initialize",
                "{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}") + "]");
        assertEquals(-32600, json(response).get(0).path("error").path("code").asInt());
    }

    @Test
    void eachToolCallOfABatchGetsItsOwnRequestId() {
        String twice = "[" + call(1, "tools/call", "{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"a\"}}") + ","
                + call(2, "tools/call", "{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"b\"}}") + "]";
        assertEquals(200, mcp.post(headers("mcp-protocol-version", "2025-03-26"), twice).status());
        assertEquals("req_test", mcp.executor.executed.get(0).requestId());
        assertNotEquals("req_test", mcp.executor.executed.get(1).requestId());
        assertTrue(mcp.executor.executed.get(1).requestId().startsWith("req_"));
    }

    // ---- limits of one POST ----------------------------------------------------------------------------------

    private static McpTestSupport limited(int maxBatch, int maxPaidCalls, long reserveMillis) {
        return new McpTestSupport(new McpSettings(Set.of(), false, 50, "9.9.9",
                new McpSettings.Limits(maxBatch, maxPaidCalls, reserveMillis)));
    }

    private static String batchOf(int n, String method, String params) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            batch.append(i == 0 ? "" : ",").append(call(i, method, params));
        }
        return batch.append(']').toString();
    }

    @Test
    void aBatchOverTheLimitIsRefusedWholeBeforeAnythingRuns() {
        McpTestSupport small = limited(3, 2, 0);
        var headers = headers("mcp-protocol-version", "2025-03-26");
        assertEquals(3, json(small.post(headers, batchOf(3, "ping", null))).size());
        JsonNode body = rpcError(small.post(headers, batchOf(4, "tools/call",
                "{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"a\"}}")), 400, -32600);
        assertTrue(body.get("id").isNull());
        assertEquals("batch_too_large", body.path("error").path("data").path("code").asText());
        assertEquals(3, body.path("error").path("data").path("limit").asInt());
        assertTrue(small.executor.executed.isEmpty(), "nothing in the batch ran");
    }

    @Test
    void paidCallsBeyondTheLimitAreJsonRpcErrorsAndFreeOnesStillRun() {
        McpTestSupport small = limited(10, 2, 0);
        String paid = "{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"a\"}}";
        String free = "{\"name\":\"context7_resolve_library\",\"arguments\":{\"query\":\"react\"}}";
        String batch = "[" + call(1, "tools/call", paid) + "," + call(2, "tools/call", paid) + "," + call(3, "tools/call", paid)
                + "," + call(4, "tools/call", free) + "," + call(5, "tools/call", "{\"name\":\"tollgate_account\"}") + "]";
        JsonNode answers = json(small.post(headers("mcp-protocol-version", "2025-03-26"), batch));
        assertFalse(answers.get(0).has("error"));
        assertFalse(answers.get(1).has("error"));
        JsonNode refused = answers.get(2).path("error");
        assertEquals(3, answers.get(2).path("id").asInt());
        assertEquals(McpEndpoint.TRANSPORT_ERROR, refused.path("code").asInt());
        assertEquals("paid_call_limit_exceeded", refused.path("data").path("code").asText());
        assertEquals(2, refused.path("data").path("limit").asInt());
        assertFalse(answers.get(3).has("error"), "free calls are not counted");
        assertFalse(answers.get(4).has("error"));
        assertEquals(3, small.executor.executed.size(), "two paid calls and the free one reached the engine");
    }

    @Test
    void noCallAfterTheFirstStartsWhenTheFunctionHasLessTimeLeftThanItMayTake() {
        McpTestSupport timed = limited(10, 10, 1_000);
        // tavily_search may take its catalog timeout (25 s) plus the 1 s reserve; the clock drops 5 s per call.
        long[] remaining = {29_000};
        timed.remainingMillis = () -> remaining[0];
        timed.executor.answer = request -> {
            remaining[0] -= 5_000;
            return FakeToolExecutor.success(request);
        };
        String paid = "{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"a\"}}";
        JsonNode answers = json(timed.post(headers("mcp-protocol-version", "2025-03-26"), batchOf(3, "tools/call", paid)));
        assertFalse(answers.get(0).has("error"), "the first call always starts");
        JsonNode late = answers.get(1).path("error");
        assertEquals("time_budget_exhausted", late.path("data").path("code").asText());
        assertEquals(26_000, late.path("data").path("needed_ms").asLong());
        assertEquals("time_budget_exhausted", answers.get(2).path("error").path("data").path("code").asText());
        assertEquals(1, timed.executor.executed.size());
        assertEquals(200, timed.post(headers("mcp-protocol-version", "2025-03-26"), "[" + call(9, "ping", null) + "]").status(),
                "other methods are not held back");
    }

    @Test
    void aSingleCallStartsWhateverTimeIsLeft() {
        McpTestSupport timed = limited(10, 10, 1_000);
        timed.remainingMillis = () -> 3_000;
        assertFalse(json(timed.post(call(1, "tools/call", "{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"a\"}}")))
                .has("error"));
    }

    @Test
    void limitsComeFromTheEnvironmentWithSaneDefaults() {
        McpSettings defaults = McpSettings.from(dev.tollgate.config.Config.of(java.util.Map.of()));
        assertEquals(McpSettings.Limits.DEFAULTS, defaults.limits());
        McpSettings.Limits set = McpSettings.from(dev.tollgate.config.Config.of(java.util.Map.of(
                "TOLLGATE_MCP_MAX_BATCH", "5", "TOLLGATE_MCP_MAX_PAID_CALLS", "2", "TOLLGATE_MCP_CALL_RESERVE_MS", "250")))
                .limits();
        assertEquals(new McpSettings.Limits(5, 2, 250), set);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> new McpSettings.Limits(0, 6, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> new McpSettings.Limits(5, 0, 0));
    }

    // ---- tools/list ------------------------------------------------------------------------------------------

    @Test
    void toolsListPagesThroughEveryCatalogToolPlusTheAccountTool() {
        McpTestSupport small = new McpTestSupport(5, Set.of());
        Set<String> names = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            String params = cursor == null ? "{}" : "{\"cursor\":" + Json.write(cursor) + "}";
            ApiResponse response = small.post(call(pages, "tools/list", params));
            JsonNode result = json(response).path("result");
            assertTrue(result.path("tools").size() <= 5, response.body());
            result.path("tools").forEach(t -> assertTrue(names.add(t.path("name").asText()), "duplicate " + t));
            cursor = result.hasNonNull("nextCursor") ? result.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 50);
        assertEquals(small.executor.toolCount() + 1, names.size());
        assertTrue(names.contains("tollgate_account"));
        assertTrue(names.contains("openai_chat_completion"));
        assertEquals((small.executor.toolCount() + 1 + 4) / 5, pages);
        assertEquals(4, small.executor.limits.get(0), "the first page leaves room for the built-in tool");
    }

    @Test
    void toolsCarrySchemaAnnotationsPriceAndBillingMode() {
        Map<String, JsonNode> tools = new LinkedHashMap<>();
        result(call(1, "tools/list", null)).path("tools").forEach(t -> tools.put(t.path("name").asText(), t));

        JsonNode sms = tools.get("twilio_send_sms");
        assertEquals("object", sms.path("inputSchema").path("type").asText());
        assertTrue(sms.path("inputSchema").has("anyOf"), "the catalog schema is passed verbatim: " + sms);
        assertFalse(sms.path("annotations").path("readOnlyHint").asBoolean(true));
        assertFalse(sms.path("annotations").path("idempotentHint").asBoolean(true));
        assertTrue(sms.path("annotations").path("openWorldHint").asBoolean());
        assertEquals("credits", sms.path("_meta").path("tollgate/billing_mode").asText());
        assertEquals("per_call", sms.path("_meta").path("tollgate/price").path("type").asText());
        assertTrue(sms.path("description").asText().contains("credits"));

        assertFalse(tools.get("stripe_create_payment_link").path("annotations").path("readOnlyHint").asBoolean(true));
        assertFalse(tools.get("resend_send_email").path("annotations").path("readOnlyHint").asBoolean(true));
        assertTrue(tools.get("tavily_search").path("annotations").path("readOnlyHint").asBoolean());
        assertTrue(tools.get("stripe_list_customers").path("annotations").path("readOnlyHint").asBoolean());
        assertEquals("free", tools.get("context7_resolve_library").path("_meta").path("tollgate/billing_mode").asText());

        JsonNode account = tools.get("tollgate_account");
        assertEquals("object", account.path("inputSchema").path("type").asText());
        assertTrue(account.path("annotations").path("readOnlyHint").asBoolean());
        assertFalse(account.path("annotations").path("openWorldHint").asBoolean(true));
        assertEquals("free", account.path("_meta").path("tollgate/billing_mode").asText());
    }

    @Test
    void anUnavailableToolSaysWhy() {
        ObjectNode schema = Json.object().put("type", "object");
        ToolView view = new ToolView("ollama_chat", "ollama", "chat", "Chat with your Ollama.", schema,
                Map.of("type", "byok_only"), "unavailable", "byok_required");
        ToolExecutor onlyOllama = new ToolExecutor() {
            @Override
            public ExecutionOutcome execute(Acting acting, ExecutionRequest request) {
                throw new AssertionError("not called");
            }

            @Override
            public Page<ToolView> tools(Acting acting, String cursor, int limit) {
                return new Page<>(List.of(view), null);
            }
        };
        JsonNode tool = new McpTools(onlyOllama, a -> Map.of(), McpTestSupport.CATALOG, 50)
                .list(McpTestSupport.ACTING, null).path("tools").get(1);
        assertEquals("ollama_chat", tool.path("name").asText());
        assertEquals("unavailable", tool.path("_meta").path("tollgate/billing_mode").asText());
        assertEquals("byok_required", tool.path("_meta").path("tollgate/unavailable_reason").asText());
        assertTrue(tool.path("description").asText().contains("byok_required"));
    }

    @Test
    void anInvalidCursorIsInvalidParams() {
        rpcError(mcp.post(call(1, "tools/list", "{\"cursor\":\"forged\"}")), 200, -32602);
    }

    // ---- tools/call -------------------------------------------------------------------------------------------

    @Test
    void aToolCallRunsTheExecutionEngineAndReturnsResultAndBilling() throws Exception {
        JsonNode result = callTool("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"mcp\",\"max_results\":1.50},"
                + "\"_meta\":{\"tollgate/idempotency_key\":\"idem-1\",\"progressToken\":\"p\"}}");
        ExecutionRequest request = mcp.executor.executed.get(0);
        assertEquals("tavily", request.tool());
        assertEquals("search", request.operation());
        assertEquals("idem-1", request.idempotencyKey());
        assertEquals("req_test", request.requestId());
        // Read exactly as REST reads its body (ApiRequest.jsonBody), so both doors fingerprint the same bytes.
        assertEquals(Json.write(Json.read("{\"query\":\"mcp\",\"max_results\":1.50}")), Json.write(request.input()));
        assertEquals(Json.write(Json.read("{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"mcp\",\"max_results\":1.50}}")),
                Json.write(request.body()), "the same canonical body REST fingerprints");

        assertFalse(result.path("isError").asBoolean(true));
        assertEquals("text", result.path("content").get(0).path("type").asText());
        assertEquals(result.path("structuredContent"), Json.MAPPER.readTree(result.path("content").get(0).path("text").asText()));
        assertEquals("search", result.path("structuredContent").path("echo").asText());
        JsonNode billing = result.path("_meta").path("tollgate/billing");
        assertEquals("credits", billing.path("mode").asText());
        assertEquals("41.5", billing.path("credits_remaining").asText());
        assertFalse(result.path("_meta").has("tollgate/replayed"));
    }

    @Test
    void missingArgumentsAreAnEmptyInput() {
        callTool("{\"name\":\"browserbase_create_session\"}");
        assertEquals("{}", Json.write(mcp.executor.executed.get(0).input()));
        assertNull(mcp.executor.executed.get(0).idempotencyKey());
    }

    @Test
    void anExecutionFailureIsAnIsErrorResultWithTheTollgateCode() {
        mcp.executor.answer = r -> {
            throw new TollgateException(ErrorCode.INSUFFICIENT_CREDITS, "Not enough credits: this needs 1 and 0.5 are available",
                    Map.of("required", new java.math.BigDecimal("1"), "available", new java.math.BigDecimal("0.5")));
        };
        JsonNode result = callTool("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"x\"}}");
        assertTrue(result.path("isError").asBoolean());
        String text = result.path("content").get(0).path("text").asText();
        assertTrue(text.contains("insufficient_credits") && text.contains("402") && text.contains("Not enough credits"), text);
        JsonNode error = result.path("_meta").path("tollgate/error");
        assertEquals("insufficient_credits", error.path("code").asText());
        assertEquals(402, error.path("status").asInt());
        assertEquals("0.5", error.path("available").asText());
        assertEquals("req_test", error.path("request_id").asText());
        assertFalse(result.has("structuredContent"));
    }

    @Test
    void rateLimitsCarryRetryAfter() {
        mcp.executor.answer = r -> {
            throw new TollgateException(ErrorCode.UPSTREAM_RATE_LIMITED, "Rate limited by the provider",
                    Map.of("provider_status", 429), Map.of("Retry-After", "30"));
        };
        JsonNode error = callTool("{\"name\":\"tavily_search\",\"arguments\":{}}").path("_meta").path("tollgate/error");
        assertEquals("30", error.path("retry_after").asText());
    }

    @Test
    void aReplayedStoredFailureIsAnIsErrorResultMarkedReplayed() {
        mcp.executor.answer = r -> {
            ObjectNode body = Json.object();
            body.putObject("error").put("code", "byok_key_rejected").put("message", "The provider refused your key")
                    .put("request_id", "req_first").put("provider_status", 401);
            return new ExecutionOutcome(424, body, true);
        };
        JsonNode result = callTool("{\"name\":\"openai_chat_completion\",\"arguments\":{},\"_meta\":{\"tollgate/idempotency_key\":\"k\"}}");
        assertTrue(result.path("isError").asBoolean());
        assertEquals("byok_key_rejected", result.path("_meta").path("tollgate/error").path("code").asText());
        assertEquals(424, result.path("_meta").path("tollgate/error").path("status").asInt());
        assertTrue(result.path("_meta").path("tollgate/replayed").asBoolean());
    }

    @Test
    void aReplayedSuccessIsMarkedReplayed() {
        mcp.executor.answer = r -> {
            ExecutionOutcome first = FakeToolExecutor.success(r);
            return new ExecutionOutcome(200, first.body(), true);
        };
        JsonNode result = callTool("{\"name\":\"tavily_search\",\"arguments\":{}}");
        assertTrue(result.path("_meta").path("tollgate/replayed").asBoolean());
        assertFalse(result.path("isError").asBoolean(true));
    }

    @Test
    void aResultThatIsNotAnObjectIsOnlyInTheText() {
        mcp.executor.answer = r -> {
            ObjectNode body = Json.object();
            body.putArray("result").add(1).add(2);
            body.putObject("billing").put("mode", "free");
            return new ExecutionOutcome(200, body, false);
        };
        JsonNode result = callTool("{\"name\":\"context7_get_docs\",\"arguments\":{}}");
        assertEquals("[1,2]", result.path("content").get(0).path("text").asText());
        assertFalse(result.has("structuredContent"));
    }

    @Test
    void aBugInTheEngineIsAnInternalErrorResultNotAJsonRpcError() {
        mcp.executor.answer = r -> {
            throw new IllegalStateException("boom sk-secret-should-not-leak");
        };
        JsonNode result = callTool("{\"name\":\"tavily_search\",\"arguments\":{}}");
        assertTrue(result.path("isError").asBoolean());
        assertEquals("internal_error", result.path("_meta").path("tollgate/error").path("code").asText());
        assertFalse(result.toString().contains("boom"));
    }

    @Test
    void unknownToolsAreInvalidParams() {
        JsonNode body = rpcError(mcp.post(call(8, "tools/call", "{\"name\":\"openai_teleport\",\"arguments\":{}}")), 200, -32602);
        assertTrue(body.path("error").path("message").asText().contains("openai_teleport"));
        rpcError(mcp.post(call(8, "tools/call", "{\"arguments\":{}}")), 200, -32602);
        assertTrue(mcp.executor.executed.isEmpty());
    }

    @Test
    void anEngineThatDoesNotKnowTheToolAlsoYieldsInvalidParams() {
        mcp.executor.answer = r -> {
            throw new TollgateException(ErrorCode.UNKNOWN_TOOL, "Unknown tool");
        };
        rpcError(mcp.post(call(8, "tools/call", "{\"name\":\"tavily_search\",\"arguments\":{}}")), 200, -32602);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"name\":\"tavily_search\",\"arguments\":[1]}",
            "{\"name\":\"tavily_search\",\"arguments\":\"query\"}",
            "{\"name\":\"tavily_search\",\"_meta\":{\"tollgate/idempotency_key\":42}}",
            "{\"name\":\"tavily_search\",\"_meta\":{\"tollgate/idempotency_key\":\"\"}}",
            "{\"name\":7}"})
    void malformedToolCallsAreInvalidParams(String params) {
        rpcError(mcp.post(call(8, "tools/call", params)), 200, -32602);
        assertTrue(mcp.executor.executed.isEmpty());
    }

    @Test
    void anOverlongIdempotencyKeyIsInvalidParams() {
        String key = "k".repeat(256);
        rpcError(mcp.post(call(8, "tools/call", "{\"name\":\"tavily_search\",\"_meta\":{\"tollgate/idempotency_key\":\""
                + key + "\"}}")), 200, -32602);
        callTool("{\"name\":\"tavily_search\",\"_meta\":{\"tollgate/idempotency_key\":\"" + "k".repeat(255) + "\"}}");
    }

    @Test
    void theAccountToolIsFreeAndNeverReachesTheEngine() {
        JsonNode result = callTool("{\"name\":\"tollgate_account\",\"arguments\":{}}");
        assertFalse(result.path("isError").asBoolean(true));
        assertEquals("acct_1", result.path("structuredContent").path("account_id").asText());
        assertEquals("42.5", result.path("structuredContent").path("credits_remaining").asText());
        assertEquals("free", result.path("_meta").path("tollgate/billing").path("mode").asText());
        assertEquals(0, result.path("_meta").path("tollgate/billing").path("credits_charged").asInt(-1));
        assertTrue(mcp.executor.executed.isEmpty());
    }
}
