package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.auth.Caller;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.testing.FakeToolExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /api/v1/tool-calls} without infrastructure: both OpenAI shapes, per-call failures, limits, budget. */
class ToolCallBatchTest {
    private static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));
    private static final Acting ACTING = new Acting(new Caller("key_1", Caller.PrincipalType.PERSON, "prn_1", "acct_1"),
            new Account("acct_1", Account.Type.PERSONAL, Plan.PRO, Account.Status.ACTIVE, "Test", Instant.EPOCH));

    private final FakeToolExecutor executor = new FakeToolExecutor(CATALOG);
    private final ToolInvoker invoker = new ToolInvoker(executor, a -> Map.of("account_id", a.accountId()), CATALOG);
    private final ToolCallBatch batch = new ToolCallBatch(invoker,
            Clock.fixed(Instant.parse("2026-04-16T12:00:00Z"), ZoneOffset.UTC), Duration.ofSeconds(20));

    private JsonNode run(String toolCalls) throws Exception {
        return batch.run(ACTING, Json.read("{\"tool_calls\":" + toolCalls + "}"), null, "req_http");
    }

    private static String chat(String id, String name, String arguments) {
        return "{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":"
                + Json.write(arguments) + "}}";
    }

    private static JsonNode content(JsonNode message) throws Exception {
        return Json.read(message.path("content").asText());
    }

    @Test
    void chatCompletionsToolCallsRunInOrderWithTheirIdsAsIdempotencyKeys() throws Exception {
        JsonNode answer = run("[" + chat("call_1", "tavily_search", "{\"query\":\"a\",\"max_results\":2}") + ","
                + chat("call_2", "context7_resolve_library", "{\"query\":\"react\"}") + "]");

        JsonNode messages = answer.path("messages");
        assertEquals(2, messages.size());
        assertEquals("tool", messages.get(0).path("role").asText());
        assertEquals("call_1", messages.get(0).path("tool_call_id").asText());
        assertEquals("search", content(messages.get(0)).path("echo").asText());
        assertEquals("call_2", messages.get(1).path("tool_call_id").asText());
        assertEquals(List.of("call_1", "call_2"), executor.executed.stream().map(ExecutionRequest::idempotencyKey).toList());
        assertEquals("{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"a\",\"max_results\":2}}",
                Json.write(executor.executed.get(0).body()), "the body REST would send");
        assertEquals("req_http", executor.executed.get(0).requestId());
        assertTrue(executor.executed.get(1).requestId().startsWith("req_"));

        JsonNode billing = answer.path("billing");
        assertEquals("call_1", billing.get(0).path("tool_call_id").asText());
        assertEquals("credits", billing.get(0).path("mode").asText());
        assertTrue(billing.get(0).path("error_code").isNull());
    }

    @Test
    void everyCallOfTheBatchBelongsToItsRun() throws Exception {
        batch.run(ACTING, Json.read("{\"tool_calls\":[" + chat("call_1", "tavily_search", "{}") + ","
                + chat("call_2", "context7_resolve_library", "{\"query\":\"react\"}") + "]}"), "run-42", "req_http");
        assertEquals(List.of("run-42", "run-42"), executor.executed.stream().map(ExecutionRequest::runId).toList());
        run("[" + chat("call_3", "tavily_search", "{}") + "]");
        assertEquals(null, executor.executed.get(2).runId(), "no header, no run");
    }

    @Test
    void responsesApiFunctionCallItemsUseTheirCallId() throws Exception {
        JsonNode answer = run("[{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_r1\",\"name\":\"tavily_search\","
                + "\"arguments\":\"{\\\"query\\\":\\\"x\\\"}\",\"status\":\"completed\"}]");
        assertEquals("call_r1", answer.path("messages").get(0).path("tool_call_id").asText());
        assertEquals("call_r1", executor.executed.get(0).idempotencyKey());
    }

    @Test
    void aWholeResponsesOutputRunsItsFunctionCallsOnly() throws Exception {
        JsonNode answer = run("[{\"type\":\"reasoning\",\"id\":\"rs_1\",\"summary\":[]},"
                + "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_a\",\"name\":\"tavily_search\",\"arguments\":\"{}\"},"
                + "{\"type\":\"custom_tool_call\",\"id\":\"ctc_1\",\"call_id\":\"call_b\",\"name\":\"grammar\",\"input\":\"x\"},"
                + "{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"content\":[]}]");
        JsonNode messages = answer.path("messages");
        assertEquals(2, messages.size());
        assertEquals("call_a", messages.get(0).path("tool_call_id").asText());
        assertEquals("call_b", messages.get(1).path("tool_call_id").asText());
        assertEquals("validation_failed", content(messages.get(1)).path("error").path("code").asText());
        assertEquals(1, executor.executed.size());
    }

    @Test
    void argumentsThatAreNotJsonFailThatCallOnly() throws Exception {
        JsonNode answer = run("[" + chat("call_bad", "tavily_search", "{\"query\": ") + ","
                + chat("call_ok", "tavily_search", "{\"query\":\"x\"}") + ","
                + chat("call_arr", "tavily_search", "[1]") + "]");
        JsonNode bad = content(answer.path("messages").get(0)).path("error");
        assertEquals("validation_failed", bad.path("code").asText());
        assertEquals("/tool_calls/0/function/arguments", bad.path("pointer").asText());
        assertEquals(400, bad.path("status").asInt());
        assertEquals("validation_failed", answer.path("billing").get(0).path("error_code").asText());
        assertEquals(0, answer.path("billing").get(0).path("credits_charged").asInt());
        assertEquals("search", content(answer.path("messages").get(1)).path("echo").asText());
        assertEquals("validation_failed", content(answer.path("messages").get(2)).path("error").path("code").asText());
        assertEquals(1, executor.executed.size());
    }

    @Test
    void oneFailureDoesNotStopTheOthers() throws Exception {
        executor.answer = r -> {
            if (r.idempotencyKey().equals("call_2")) {
                throw new TollgateException(ErrorCode.INSUFFICIENT_CREDITS, "Not enough credits", Map.of("required", 1));
            }
            if (r.idempotencyKey().equals("call_3")) {
                throw new IllegalStateException("bug");
            }
            return FakeToolExecutor.success(r);
        };
        JsonNode answer = run("[" + chat("call_1", "tavily_search", "{}") + "," + chat("call_2", "tavily_search", "{}")
                + "," + chat("call_3", "tavily_search", "{}") + "," + chat("call_4", "nope_tool", "{}") + ","
                + chat("call_5", "tavily_search", "") + "]");
        JsonNode messages = answer.path("messages");
        assertEquals(5, messages.size());
        assertEquals("search", content(messages.get(0)).path("echo").asText());
        assertEquals("insufficient_credits", content(messages.get(1)).path("error").path("code").asText());
        assertEquals(402, content(messages.get(1)).path("error").path("status").asInt());
        assertEquals("internal_error", content(messages.get(2)).path("error").path("code").asText());
        assertEquals("unknown_tool", content(messages.get(3)).path("error").path("code").asText());
        assertEquals("{}", Json.write(executor.executed.get(3).input()), "empty arguments are an empty object");
    }

    @Test
    void theAccountToolAnswersToo() throws Exception {
        JsonNode answer = run("[" + chat("call_a", "tollgate_account", "{}") + "]");
        assertEquals("acct_1", content(answer.path("messages").get(0)).path("account_id").asText());
        assertEquals("free", answer.path("billing").get(0).path("mode").asText());
    }

    @Test
    void aReplayIsMarkedInItsBilling() throws Exception {
        executor.answer = r -> new ExecutionOutcome(200, FakeToolExecutor.success(r).body(), true);
        JsonNode answer = run("[" + chat("call_1", "tavily_search", "{}") + "]");
        assertTrue(answer.path("billing").get(0).path("replayed").asBoolean());
    }

    @Test
    void batchesThatCannotBeReadAreRefusedBeforeAnythingRuns() {
        for (String bad : List.of("null", "{}", "\"x\"", "[]", "[1]",
                "[" + ("{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"tavily_search\",\"arguments\":\"{}\"}},").repeat(17) + "{}]",
                "[{\"type\":\"function\",\"function\":{\"name\":\"tavily_search\"}}]",
                "[{\"type\":\"reasoning\",\"id\":\"rs_1\"}]",
                "[{\"type\":\"function_call\",\"call_id\":\"bad id\",\"name\":\"x\"}]",
                "[{\"type\":\"function_call\",\"call_id\":\"" + "x".repeat(256) + "\",\"name\":\"x\"}]")) {
            TollgateException e = assertThrows(TollgateException.class, () -> run(bad), bad);
            assertEquals(ErrorCode.VALIDATION_FAILED, e.code(), bad);
        }
        assertTrue(executor.executed.isEmpty());
    }

    @Test
    void tenThousandCallsAreOneValidationError() throws Exception {
        String many = "[" + String.join(",", java.util.Collections.nCopies(10_000, chat("c", "tavily_search", "{}"))) + "]";
        TollgateException e = assertThrows(TollgateException.class, () -> run(many));
        assertEquals("/tool_calls", e.details().get("pointer"));
        assertEquals(16, e.details().get("max_calls"));
        assertTrue(executor.executed.isEmpty());
    }

    @Test
    void callsAreNotStartedOnceTheBudgetIsSpent() throws Exception {
        Clock slow = new Clock() {
            private Instant now = Instant.parse("2026-04-16T12:00:00Z");

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                Instant current = now;
                now = now.plusSeconds(12);
                return current;
            }
        };
        ToolCallBatch timed = new ToolCallBatch(invoker, slow, Duration.ofSeconds(20));
        JsonNode answer = timed.run(ACTING, Json.read("{\"tool_calls\":[" + chat("c1", "tavily_search", "{}") + ","
                + chat("c2", "tavily_search", "{}") + "," + chat("c3", "tavily_search", "{}") + ","
                + chat("c4", "tavily_search", "{}") + "]}"), null, "req_http");
        assertEquals(List.of("c1", "c2"), executor.executed.stream().map(ExecutionRequest::idempotencyKey).toList());
        JsonNode notRun = content(answer.path("messages").get(2)).path("error");
        assertEquals("time_budget_exhausted", notRun.path("code").asText());
        assertEquals("c3", notRun.path("tool_call_id").asText());
        assertEquals("time_budget_exhausted", answer.path("billing").get(3).path("error_code").asText());
    }
}
