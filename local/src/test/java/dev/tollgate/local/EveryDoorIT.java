package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.a2a.client.Client;
import io.a2a.client.http.A2ACardResolver;
import io.a2a.spec.AgentCard;
import io.a2a.spec.Task;
import io.a2a.spec.TaskState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPEC 12: one execution engine behind all four doors. The same three calls — credits (Tavily), BYOK (OpenAI) and
 * free (Context7) — made by four identical accounts, one through each door (REST {@code execute}, MCP
 * {@code tools/call}, A2A {@code message/send} with the official SDK client, OpenAI {@code tool-calls}), leave the
 * same billing objects, the same balance, the same ledger and the same usage.
 */
class EveryDoorIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String OPENAI_KEY = MockUpstreams.FAKE_KEYS.get("openai");

    /** tool name → input: the same three calls through every door. */
    private static final Map<String, String> CALLS = new LinkedHashMap<>();

    static {
        CALLS.put("tavily_search", "{\"query\":\"every door\"}");
        CALLS.put("openai_chat_completion", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}");
        CALLS.put("context7_resolve_library", "{\"query\":\"react\"}");
    }

    private static OfflineTollgate local;
    private static String base;
    private static AgentCard card;

    @BeforeAll
    static void start() throws Exception {
        local = OfflineTollgate.start();
        base = local.base;
        card = new A2ACardResolver(base).getAgentCard();
    }

    @AfterAll
    static void stop() {
        local.close();
    }

    private static String customer() throws Exception {
        String token = local.customer(10);
        http("POST", "/api/v1/byok", token, Map.of(), "{\"provider\":\"openai\",\"api_key\":\"" + OPENAI_KEY + "\"}");
        return token;
    }

    private static JsonNode http(String method, String path, String token, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, method + " " + path + " → " + response.statusCode() + " " + response.body());
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private static String[] split(String toolName) {
        var operation = local.tollgate.services().catalog().operationByToolName(toolName).orElseThrow();
        return new String[] {operation.tool(), operation.id()};
    }

    // ---- the four doors: each returns the billing object of every call, in order --------------------------------

    private static List<JsonNode> viaRest(String token) throws Exception {
        List<JsonNode> billing = new ArrayList<>();
        for (var call : CALLS.entrySet()) {
            String[] op = split(call.getKey());
            billing.add(http("POST", "/api/v1/execute", token, Map.of(), "{\"tool\":\"" + op[0] + "\",\"operation\":\""
                    + op[1] + "\",\"input\":" + call.getValue() + "}").path("billing"));
        }
        return billing;
    }

    private static List<JsonNode> viaMcp(String token) throws Exception {
        List<JsonNode> billing = new ArrayList<>();
        int id = 0;
        for (var call : CALLS.entrySet()) {
            JsonNode result = http("POST", "/mcp", token, Map.of("Accept", "application/json, text/event-stream",
                    "MCP-Protocol-Version", "2025-11-25"), "{\"jsonrpc\":\"2.0\",\"id\":" + (++id) + ",\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"" + call.getKey() + "\",\"arguments\":" + call.getValue() + "}}").path("result");
            assertFalse(result.path("isError").asBoolean(), result.toString());
            billing.add(result.path("_meta").path("tollgate/billing"));
        }
        return billing;
    }

    private static List<JsonNode> viaA2a(String token) throws Exception {
        List<Task> received = new ArrayList<>();
        Client client = A2aClientIT.client(card, token, received);
        List<JsonNode> billing = new ArrayList<>();
        for (var call : CALLS.entrySet()) {
            Map<String, Object> data = Map.of("name", call.getKey(), "arguments", JSON.readValue(call.getValue(), Map.class));
            client.sendMessage(A2aClientIT.call(UUID.randomUUID().toString(), data));
            Task task = received.get(received.size() - 1);
            assertEquals(TaskState.COMPLETED, task.getStatus().state(), String.valueOf(task.getMetadata()));
            billing.add(JSON.valueToTree(task.getMetadata().get("tollgate/billing")));
        }
        return billing;
    }

    private static List<JsonNode> viaToolCalls(String token) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        var calls = body.putArray("tool_calls");
        for (var call : CALLS.entrySet()) {
            ObjectNode item = calls.addObject();
            item.put("id", "call_" + UUID.randomUUID().toString().replace("-", ""));
            item.put("type", "function");
            item.putObject("function").put("name", call.getKey()).put("arguments", call.getValue());
        }
        List<JsonNode> billing = new ArrayList<>();
        http("POST", "/api/v1/tool-calls", token, Map.of(), JSON.writeValueAsString(body)).path("billing").forEach(billing::add);
        return billing;
    }

    @Test
    void theSameCallsThroughEveryDoorLeaveTheSameLedgerAndUsage() throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        Map<String, List<JsonNode>> billing = new LinkedHashMap<>();
        for (String door : List.of("rest", "mcp", "a2a", "tool-calls")) {
            String token = customer();
            tokens.put(door, token);
            billing.put(door, switch (door) {
                case "rest" -> viaRest(token);
                case "mcp" -> viaMcp(token);
                case "a2a" -> viaA2a(token);
                default -> viaToolCalls(token);
            });
        }

        List<String> restBilling = comparable(billing.get("rest"));
        assertEquals(List.of("credits", "byok", "free"), billing.get("rest").stream().map(b -> b.path("mode").asText()).toList());
        String rest = tokens.get("rest");
        List<String> restLedger = ledger(rest);
        assertTrue(restLedger.stream().anyMatch(e -> e.startsWith("hold ")) && restLedger.stream().anyMatch(e -> e.startsWith("capture ")),
                restLedger.toString());
        assertEquals(3, usage(rest, "operation").size());
        for (String door : List.of("mcp", "a2a", "tool-calls")) {
            String token = tokens.get(door);
            assertEquals(restBilling, comparable(billing.get(door)), door + ": billing");
            assertEquals(balance(rest), balance(token), door + ": balance");
            assertEquals(restLedger, ledger(token), door + ": ledger");
            for (String groupBy : List.of("operation", "mode", "provider")) {
                assertEquals(usage(rest, groupBy), usage(token, groupBy), door + ": usage by " + groupBy);
            }
        }
    }

    /** Billing without what differs by construction (request ids) and with numbers compared by value. */
    private static List<String> comparable(List<JsonNode> billing) {
        List<String> out = new ArrayList<>();
        for (JsonNode b : billing) {
            out.add(b.path("mode").asText() + " " + b.path("provider").asText() + " " + b.path("key_source").asText()
                    + " charged=" + b.path("credits_charged").decimalValue().stripTrailingZeros().toPlainString()
                    + " remaining=" + b.path("credits_remaining").decimalValue().stripTrailingZeros().toPlainString()
                    + " usage=" + b.path("usage"));
        }
        return out;
    }

    private static String balance(String token) throws Exception {
        JsonNode key = http("GET", "/api/v1/key", token, Map.of(), null);
        return key.path("credits_remaining").decimalValue().toPlainString() + " held=" + key.path("credits_held").asText();
    }

    /** Ledger entries, newest first, without ids, times and request ids. */
    private static List<String> ledger(String token) throws Exception {
        List<String> out = new ArrayList<>();
        http("GET", "/api/v1/ledger?limit=100", token, Map.of(), null).path("data").forEach(e -> out.add(e.path("type").asText()
                + " " + e.path("amount").asText() + " (" + e.path("balance_change").asText() + ")"));
        assertFalse(out.isEmpty());
        return out;
    }

    /** Usage groups: key, calls, errors, tokens, credits (latency differs run to run). */
    private static List<String> usage(String token, String groupBy) throws Exception {
        List<String> out = new ArrayList<>();
        http("GET", "/api/v1/usage?group_by=" + groupBy, token, Map.of(), null).path("groups").forEach(g -> out.add(
                g.path("key").asText() + " calls=" + g.path("calls").asText()
                        + " errors=" + g.path("errors").asText() + " in=" + g.path("input_tokens").asText()
                        + " out=" + g.path("output_tokens").asText() + " credits=" + g.path("credits").asText()));
        assertFalse(out.isEmpty());
        return out;
    }
}
