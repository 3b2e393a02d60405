package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/tool-calls} against the local runner with {@code --mock-upstreams}, fed the tool calls of
 * recorded OpenAI answers exactly as they came: a Chat Completions assistant message and a Responses API output.
 * Messages come back ready to append, billing per call; the same ids again replay (one charge).
 */
class ToolCallsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static OfflineTollgate local;
    private static String base;

    @BeforeAll
    static void start() {
        local = OfflineTollgate.start();
        base = local.base;
    }

    @AfterAll
    static void stop() {
        local.close();
    }

    record Reply(int status, JsonNode body) {
    }

    private static String customer(long credits) {
        return local.customer(credits);
    }

    private static JsonNode recorded(String name) throws Exception {
        try (InputStream in = ToolCallsIT.class.getResourceAsStream("/openai/" + name)) {
            return JSON.readTree(in);
        }
    }

    private static Reply post(String token, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    private static Reply toolCalls(String token, JsonNode calls) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("tool_calls", calls);
        return post(token, "/api/v1/tool-calls", JSON.writeValueAsString(body));
    }

    private static BigDecimal balance(String token) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/key"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("credits_remaining").decimalValue();
    }

    @Test
    void aChatCompletionsAssistantMessageRunsAsItCame() throws Exception {
        String token = customer(10);
        JsonNode calls = recorded("chat-completion-tool-calls.json").path("choices").get(0).path("message").path("tool_calls");

        Reply first = toolCalls(token, calls);
        assertEquals(200, first.status(), first.body().toString());
        JsonNode messages = first.body().path("messages");
        assertEquals(2, messages.size());
        for (int i = 0; i < 2; i++) {
            JsonNode message = messages.get(i);
            assertEquals("tool", message.path("role").asText());
            assertEquals(calls.get(i).path("id").asText(), message.path("tool_call_id").asText());
            assertTrue(message.path("content").isTextual(), "content is a string, ready to append");
            assertFalse(JSON.readTree(message.path("content").asText()).has("error"), message.toString());
        }
        JsonNode billing = first.body().path("billing");
        assertEquals("credits", billing.get(0).path("mode").asText());
        assertEquals("tavily", billing.get(0).path("provider").asText());
        assertEquals("free", billing.get(1).path("mode").asText());
        BigDecimal charged = billing.get(0).path("credits_charged").decimalValue();
        assertEquals(0, BigDecimal.ONE.compareTo(charged), "Tavily's catalog price");
        assertEquals(0, new BigDecimal("9").compareTo(balance(token)));

        // The same answer sent again (a retry after a lost response): replayed, not charged again.
        Reply again = toolCalls(token, calls);
        assertEquals(200, again.status());
        assertEquals(messages, again.body().path("messages"));
        assertTrue(again.body().path("billing").get(0).path("replayed").asBoolean());
        assertEquals(0, new BigDecimal("9").compareTo(balance(token)), "one charge");

        // The messages continue the conversation as OpenAI expects: assistant message, then one tool message per call.
        ArrayNode conversation = JSON.createArrayNode();
        conversation.add(recorded("chat-completion-tool-calls.json").path("choices").get(0).path("message"));
        messages.forEach(conversation::add);
        assertEquals(calls.get(1).path("id"), conversation.get(2).path("tool_call_id"));
    }

    @Test
    void aResponsesApiOutputRunsAsItCame() throws Exception {
        String token = customer(10);
        JsonNode output = recorded("responses-function-calls.json").path("output");

        Reply reply = toolCalls(token, output);
        assertEquals(200, reply.status(), reply.body().toString());
        JsonNode messages = reply.body().path("messages");
        assertEquals("call_Hq2wE4rT6yU8iO0pA1sD3fG5", messages.get(0).path("tool_call_id").asText());
        assertEquals("call_Jk7lZ9xC1vB3nM5qW7eR9tY1", messages.get(1).path("tool_call_id").asText());
        assertEquals("credits", reply.body().path("billing").get(0).path("mode").asText());
        assertEquals("free", reply.body().path("billing").get(1).path("mode").asText());
        assertEquals(0, new BigDecimal("9").compareTo(balance(token)));

        assertTrue(toolCalls(token, output).body().path("billing").get(0).path("replayed").asBoolean());
        assertEquals(0, new BigDecimal("9").compareTo(balance(token)), "one charge");
    }

    @Test
    void argumentsThatAreNotJsonFailTheirCallOnly() throws Exception {
        String token = customer(10);
        ArrayNode calls = (ArrayNode) recorded("chat-completion-tool-calls.json").path("choices").get(0)
                .path("message").path("tool_calls").deepCopy();
        ((ObjectNode) calls.get(0).path("function")).put("arguments", "{\"query\": \"A2A proto");
        Reply reply = toolCalls(token, calls);
        assertEquals(200, reply.status());
        JsonNode error = JSON.readTree(reply.body().path("messages").get(0).path("content").asText()).path("error");
        assertEquals("validation_failed", error.path("code").asText());
        assertEquals("/tool_calls/0/function/arguments", error.path("pointer").asText());
        assertEquals("validation_failed", reply.body().path("billing").get(0).path("error_code").asText());
        assertFalse(JSON.readTree(reply.body().path("messages").get(1).path("content").asText()).has("error"));
        assertEquals(0, new BigDecimal("10").compareTo(balance(token)), "the failed call cost nothing");
    }

    @Test
    void oversizedBatchesAreTypedErrorsNotServerErrors() throws Exception {
        String token = customer(10);
        String one = "{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"tavily_search\",\"arguments\":\"{}\"}}";
        Reply seventeen = post(token, "/api/v1/tool-calls", "{\"tool_calls\":[" + String.join(",", java.util.Collections.nCopies(17, one)) + "]}");
        assertEquals(400, seventeen.status());
        assertEquals("validation_failed", seventeen.body().path("error").path("code").asText());
        Reply tenThousand = post(token, "/api/v1/tool-calls", "{\"tool_calls\":["
                + String.join(",", java.util.Collections.nCopies(10_000, "{\"id\":\"c\",\"function\":{\"name\":\"x\"}}")) + "]}");
        assertEquals(400, tenThousand.status(), tenThousand.body().toString());
        assertEquals(16, tenThousand.body().path("error").path("max_calls").asInt());
        Reply notJson = post(token, "/api/v1/tool-calls", "{\"tool_calls\": [");
        assertEquals(400, notJson.status());
        assertEquals("invalid_json", notJson.body().path("error").path("code").asText());
        assertEquals(0, new BigDecimal("10").compareTo(balance(token)));
    }
}
