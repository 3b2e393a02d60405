package dev.tollgate.functions.execute;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Execute Lambda handler driven by the API Gateway events under events/execute, with WireMock upstreams. */
class ExecuteHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;
    private static ExecuteHandler handler;

    @BeforeAll
    static void start() {
        h = ExecutionHarness.start(DYNAMO);
        handler = new ExecuteHandler(h.services);
        h.vault.setPlatformKey("tavily", "tvly-platPLATplatPLATplat01");
        h.vault.setPlatformKey("openai", "sk-platformPLATFORM0123456789");
        h.wiremock.stubFor(post(urlPathEqualTo("/tavily/search"))
                .withHeader("Authorization", equalTo("Bearer tvly-platPLATplatPLATplat01"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"query\":\"latest AWS Lambda Java runtime\",\"results\":[]}")));
        h.wiremock.stubFor(get(urlPathEqualTo("/context7/v1/search")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[{\"id\":\"/facebook/react\"}]}")));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static APIGatewayV2HTTPResponse call(String event, Map<String, String> placeholders) {
        return handler.handleRequest(ApiEvents.fromRepo(event, placeholders), null);
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        return JSON.readTree(response.getBody());
    }

    @Test
    void creditsCallChargesThePriceAndReturnsTheReceipt() throws Exception {
        var customer = h.customer(Plan.PRO, 10 * CREDIT);
        var response = call("execute/tavily-search.json", Map.of("tg_test_PLACEHOLDER", customer.token()));
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode billing = body(response).path("billing");
        assertEquals("credits", billing.path("mode").asText());
        assertEquals("1", billing.path("credits_charged").asText());
        assertEquals("9", billing.path("credits_remaining").asText());
        assertEquals(response.getHeaders().get("X-Request-Id"), billing.path("request_id").asText());
        assertEquals(9 * CREDIT, h.services.ledger().balance(customer.accountId()).available());
    }

    @Test
    void aRepeatedIdempotencyKeyIsReplayedWithTheHeader() throws Exception {
        var customer = h.customer(Plan.PRO, 0);
        h.vault.register(customer.accountId(), "openai", "sk-proj-byokBYOKbyokBYOK0123456789");
        h.wiremock.stubFor(post(urlPathEqualTo("/openai/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-proj-byokBYOKbyokBYOK0123456789"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello.\"}}],"
                                + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":2}}")));
        Map<String, String> placeholders = Map.of("tg_test_PLACEHOLDER", customer.token(),
                "IDEMPOTENCY_PLACEHOLDER", "idem-" + customer.accountId());
        var first = call("execute/openai-chat.json", placeholders);
        var second = call("execute/openai-chat.json", placeholders);
        assertEquals(200, first.getStatusCode(), first.getBody());
        assertEquals("byok", body(first).path("billing").path("mode").asText());
        assertNull(first.getHeaders().get("Idempotent-Replayed"));
        assertEquals(200, second.getStatusCode());
        assertEquals("true", second.getHeaders().get("Idempotent-Replayed"));
        assertEquals(first.getBody(), second.getBody());
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo("/openai/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-proj-byokBYOKbyokBYOK0123456789")));
    }

    @Test
    void aProviderAnswerThatCannotBeWrittenIsA502EnvelopeAndChargesNothing() throws Exception {
        var customer = h.customer(Plan.PRO, 10 * CREDIT);
        h.wiremock.stubFor(post(urlPathEqualTo("/openai/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-platformPLATFORM0123456789"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello.\"}}],"
                                + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":2},\"score\":1e999999999}")));
        for (String key : new String[] {"bomb-a-" + customer.accountId(), "bomb-b-" + customer.accountId()}) {
            var response = call("execute/openai-chat.json", Map.of("tg_test_PLACEHOLDER", customer.token(),
                    "IDEMPOTENCY_PLACEHOLDER", key));
            assertEquals(502, response.getStatusCode(), response.getBody());
            JsonNode error = body(response).path("error");
            assertEquals("upstream_error", error.path("code").asText());
            assertTrue(error.path("message").asText().contains("nothing was charged"), response.getBody());
        }
        assertEquals(10 * CREDIT, h.services.ledger().balance(customer.accountId()).available());
        assertEquals(0, h.services.ledger().balance(customer.accountId()).held());
    }

    @Test
    void freeToolsAndValidationErrors() throws Exception {
        var customer = h.customer(Plan.FREE, 0);
        var free = call("execute/context7-resolve.json", Map.of("tg_test_PLACEHOLDER", customer.token()));
        assertEquals(200, free.getStatusCode(), free.getBody());
        assertEquals("free", body(free).path("billing").path("mode").asText());

        var invalid = call("execute/invalid-input.json", Map.of("tg_test_PLACEHOLDER", customer.token()));
        assertEquals(400, invalid.getStatusCode());
        JsonNode error = body(invalid).path("error");
        assertEquals("validation_failed", error.path("code").asText());
        assertEquals("/input/messages", error.path("pointer").asText());

        var anonymous = call("execute/tavily-search.json", Map.of());
        assertEquals(401, anonymous.getStatusCode());
    }

    @Test
    void toolCallsOfAnOpenAiAnswerRunAndReplayByTheirIds() throws Exception {
        h.wiremock.stubFor(get(urlPathEqualTo("/context7/v2/context")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"snippets\":[\"useState\"]}")));
        var customer = h.customer(Plan.FREE, 0);
        Map<String, String> placeholders = Map.of("tg_test_PLACEHOLDER", customer.token());
        var first = call("execute/tool-calls.json", placeholders);
        assertEquals(200, first.getStatusCode(), first.getBody());
        JsonNode messages = body(first).path("messages");
        assertEquals("call_Qw3rTy7uI9oP1aS2dF4gH6jK", messages.get(0).path("tool_call_id").asText());
        assertEquals("/facebook/react", JSON.readTree(messages.get(0).path("content").asText())
                .path("results").get(0).path("id").asText());
        assertEquals("useState", JSON.readTree(messages.get(1).path("content").asText()).path("snippets").get(0).asText());
        assertEquals("free", body(first).path("billing").get(1).path("mode").asText());
        assertEquals(first.getHeaders().get("X-Request-Id"), body(first).path("billing").get(0).path("request_id").asText());

        var again = call("execute/tool-calls.json", placeholders);
        assertEquals(200, again.getStatusCode(), again.getBody());
        assertTrue(body(again).path("billing").get(0).path("replayed").asBoolean());
        assertEquals(messages, body(again).path("messages"));
        h.wiremock.verify(1, getRequestedFor(urlPathEqualTo("/context7/v2/context")));

        var anonymous = call("execute/tool-calls.json", Map.of());
        assertEquals(401, anonymous.getStatusCode());
    }

    @Test
    void toolsAreListedWithTheBillingModeThatAppliesNow() throws Exception {
        var customer = h.customer(Plan.PRO, 0);
        h.vault.register(customer.accountId(), "anthropic", "sk-ant-api03-byokBYOKbyokBYOKbyokBYOKbyokBYOK01");
        var response = call("execute/list-tools.json", Map.of("tg_test_PLACEHOLDER", customer.token()));
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode tools = body(response).path("tools");
        assertEquals(h.services.catalog().operations().size(), tools.size());
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        tools.forEach(t -> byName.put(t.path("name").asText(), t));
        assertEquals("byok", byName.get("anthropic_messages").path("billing_mode").asText());
        assertEquals("credits", byName.get("tavily_search").path("billing_mode").asText());
        assertEquals("free", byName.get("context7_resolve_library").path("billing_mode").asText());
        assertEquals("unavailable", byName.get("ollama_chat").path("billing_mode").asText());
        assertEquals("byok_required", byName.get("ollama_chat").path("unavailable_reason").asText());
        assertEquals("provider_unavailable", byName.get("exa_search").path("unavailable_reason").asText());
        assertEquals("10", byName.get("openai_chat_completion").path("price").path("models").path("gpt-4o").path("output").asText());
        assertEquals("object", byName.get("tavily_search").path("input_schema").path("type").asText());
    }

    @Test
    void toolsPaginateAndComeInOpenAiAndMcpShapes() throws Exception {
        var customer = h.customer(Plan.PRO, 0);
        var first = call("execute/list-tools-openai.json", Map.of("tg_test_PLACEHOLDER", customer.token()));
        assertEquals(200, first.getStatusCode(), first.getBody());
        JsonNode page = body(first);
        assertEquals(5, page.path("tools").size());
        JsonNode fn = page.path("tools").path(0);
        assertEquals("function", fn.path("type").asText());
        assertTrue(fn.path("function").path("name").asText().matches("^[a-zA-Z0-9_-]{1,64}$"));
        assertEquals("object", fn.path("function").path("parameters").path("type").asText());

        Set<String> names = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            var event = ApiEvents.fromRepo("execute/list-tools.json", Map.of("tg_test_PLACEHOLDER", customer.token()));
            Map<String, String> query = new java.util.HashMap<>(Map.of("format", "mcp", "limit", "4"));
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            event.setQueryStringParameters(query);
            JsonNode p = body(handler.handleRequest(event, null));
            p.path("tools").forEach(t -> {
                assertTrue(t.has("inputSchema"));
                assertTrue(t.path("_meta").has("tollgate/billing_mode"));
                assertTrue(names.add(t.path("name").asText()), "no tool twice");
            });
            cursor = p.path("next_cursor").isNull() ? null : p.path("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 20);
        assertEquals(h.services.catalog().operations().size(), names.size());

        var garbage = ApiEvents.fromRepo("execute/list-tools.json", Map.of("tg_test_PLACEHOLDER", customer.token()));
        garbage.setQueryStringParameters(Map.of("cursor", "not-a-cursor"));
        var bad = handler.handleRequest(garbage, null);
        assertEquals(400, bad.getStatusCode());
        assertEquals("invalid_cursor", body(bad).path("error").path("code").asText());
        garbage.setQueryStringParameters(Map.of("limit", "101"));
        assertEquals(400, handler.handleRequest(garbage, null).getStatusCode());
        assertFalse(names.isEmpty());
    }
}
