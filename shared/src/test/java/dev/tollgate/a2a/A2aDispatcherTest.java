package dev.tollgate.a2a;

import static dev.tollgate.a2a.A2aTestSupport.OTHER_TOKEN;
import static dev.tollgate.a2a.A2aTestSupport.TOKEN;
import static dev.tollgate.a2a.A2aTestSupport.dataPart;
import static dev.tollgate.a2a.A2aTestSupport.request;
import static dev.tollgate.a2a.A2aTestSupport.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.execution.ExecutionRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.json.Json;
import dev.tollgate.testing.FakeToolExecutor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /a2a} in memory: JSON-RPC rules, message/send → task, tasks kept per account, the error methods. */
class A2aDispatcherTest {
    private final A2aTestSupport a2a = new A2aTestSupport();

    private static JsonNode rpcError(JsonNode response, int code) {
        assertEquals(code, response.path("error").path("code").asInt(), response.toString());
        assertFalse(response.has("result"));
        return response.path("error");
    }

    private JsonNode task(String body) {
        JsonNode response = a2a.rpc(body);
        assertFalse(response.has("error"), response.toString());
        JsonNode task = response.path("result");
        assertEquals("task", task.path("kind").asText(), task.toString());
        return task;
    }

    // ---- message/send ------------------------------------------------------------------------------------------

    @Test
    void aDataPartCallRunsThroughTheEngineAndCompletesTheTask() {
        JsonNode task = task(send("m-1", dataPart("{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"a2a\",\"max_results\":1.0000000000000000001}}")));

        assertEquals("completed", task.path("status").path("state").asText());
        assertTrue(task.path("id").asText().startsWith("task_"));
        assertTrue(task.path("contextId").asText().startsWith("ctx_"));
        assertEquals("2026-04-16T12:00:00Z", task.path("status").path("timestamp").asText());
        JsonNode part = task.path("artifacts").get(0).path("parts").get(0);
        assertEquals("data", part.path("kind").asText());
        assertEquals("search", part.path("data").path("echo").asText());
        assertEquals("credits", task.path("metadata").path("tollgate/billing").path("mode").asText());
        assertEquals("tavily_search", task.path("metadata").path("tollgate/tool").asText());

        ExecutionRequest executed = a2a.executor.executed.get(0);
        assertEquals("m-1", executed.idempotencyKey(), "messageId is the idempotency key");
        assertEquals("req_test", executed.requestId());
        assertEquals("{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"a2a\",\"max_results\":1.0000000000000000001}}",
                Json.write(executed.body()), "the body REST would send, decimals exact");
    }

    @Test
    void theMessagesRunMetadataGroupsTheCallIntoARun() {
        String call = dataPart("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"a2a\"}}");
        task(A2aTestSupport.request(1, "message/send", "{\"message\":{\"kind\":\"message\",\"role\":\"user\","
                + "\"messageId\":\"m-run\",\"metadata\":{\"tollgate/run\":\"nightly-7\"},\"parts\":" + call + "}}"));
        assertEquals("nightly-7", a2a.executor.executed.get(0).runId());
        task(send("m-norun", call));
        assertEquals(null, a2a.executor.executed.get(1).runId(), "no metadata, no run");

        for (String bad : new String[] {"\"has spaces\"", "42", "\"" + "x".repeat(129) + "\""}) {
            JsonNode error = rpcError(a2a.rpc(A2aTestSupport.request(2, "message/send", "{\"message\":{\"kind\":"
                    + "\"message\",\"role\":\"user\",\"messageId\":\"m-bad\",\"metadata\":{\"tollgate/run\":" + bad
                    + "},\"parts\":" + call + "}}")), -32602);
            assertTrue(error.path("message").asText().contains("tollgate/run"), error.toString());
        }
        assertEquals(2, a2a.executor.executed.size(), "a refused run id runs nothing");
    }

    @Test
    void theNameAndArgumentsShapeIsTheSameCall() {
        task(send("m-2", dataPart("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"a2a\"}}")));
        ExecutionRequest executed = a2a.executor.executed.get(0);
        assertEquals("tavily", executed.tool());
        assertEquals("search", executed.operation());
        assertEquals("{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"a2a\"}}", Json.write(executed.body()));
    }

    @Test
    void theAccountToolIsFreeAndNeedsNoEngine() {
        JsonNode task = task(send("m-acct", dataPart("{\"name\":\"tollgate_account\"}")));
        assertEquals("completed", task.path("status").path("state").asText());
        assertEquals("acct_1", task.path("artifacts").get(0).path("parts").get(0).path("data").path("account_id").asText());
        assertEquals("free", task.path("metadata").path("tollgate/billing").path("mode").asText());
        assertTrue(a2a.executor.executed.isEmpty());
    }

    @Test
    void aTextOnlyMessageIsAFailedTaskExplainingTheDataPart() {
        JsonNode task = task(send("m-text", "[{\"kind\":\"text\",\"text\":\"search the web for a2a\"}]"));
        assertEquals("failed", task.path("status").path("state").asText());
        JsonNode message = task.path("status").path("message");
        assertEquals("agent", message.path("role").asText());
        assertTrue(message.path("parts").get(0).path("text").asText().contains("data part"), message.toString());
        JsonNode error = message.path("parts").get(1).path("data").path("error");
        assertEquals("validation_failed", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("\"operation\""));
        assertEquals(error, task.path("metadata").path("tollgate/error"));
        assertTrue(a2a.executor.executed.isEmpty(), "nothing ran, nothing was charged");
        assertEquals(task, a2a.rpc(request(2, "tasks/get", "{\"id\":\"" + task.path("id").asText() + "\"}")).path("result"));
    }

    @Test
    void aDataPartThatIsNotACallIsAFailedTask() {
        JsonNode task = task(send("m-bad", dataPart("{\"tool\":42,\"operation\":\"search\"}")));
        assertEquals("failed", task.path("status").path("state").asText());
        JsonNode error = task.path("metadata").path("tollgate/error");
        assertEquals("validation_failed", error.path("code").asText());
        assertEquals("/params/message/parts/0/data/tool", error.path("pointer").asText());
    }

    @Test
    void paymentRefusalsAreRejectedAndOtherFailuresFailed() {
        a2a.executor.answer = r -> {
            throw new TollgateException(ErrorCode.INSUFFICIENT_CREDITS, "Not enough credits",
                    Map.of("required", 1, "available", 0));
        };
        JsonNode rejected = task(send("m-402", dataPart("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"x\"}}")));
        assertEquals("rejected", rejected.path("status").path("state").asText());
        JsonNode error = rejected.path("metadata").path("tollgate/error");
        assertEquals("insufficient_credits", error.path("code").asText());
        assertEquals(402, error.path("status").asInt());
        assertEquals(1, error.path("required").asInt());

        a2a.executor.answer = r -> {
            throw new TollgateException(ErrorCode.BYOK_KEY_REJECTED, "OpenAI refused your key",
                    Map.of("provider_status", 401, "byok_key_id", "byok_1"));
        };
        JsonNode failed = task(send("m-424", dataPart("{\"name\":\"openai_chat_completion\",\"arguments\":{}}")));
        assertEquals("failed", failed.path("status").path("state").asText());
        assertEquals("byok_key_rejected", failed.path("status").path("message").path("parts").get(1)
                .path("data").path("error").path("code").asText());
    }

    @Test
    void anUnknownToolIsAFailedTask() {
        JsonNode task = task(send("m-unknown", dataPart("{\"name\":\"nope_nothing\",\"arguments\":{}}")));
        assertEquals("failed", task.path("status").path("state").asText());
        assertEquals("unknown_tool", task.path("metadata").path("tollgate/error").path("code").asText());
    }

    @Test
    void aReplayedMessageAnswersWithTheTaskItCreated() {
        String body = send("m-replay", dataPart("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"x\"}}"));
        JsonNode first = task(body);
        a2a.executor.answer = r -> {
            ExecutionOutcome stored = FakeToolExecutor.success(r);
            return new ExecutionOutcome(200, stored.body(), true);
        };
        JsonNode again = task(body);
        assertEquals(first.path("id"), again.path("id"));
        assertEquals(first.path("status"), again.path("status"), "the original task, timestamp included");
        assertTrue(again.path("metadata").path("tollgate/replayed").asBoolean());
        assertFalse(first.path("metadata").has("tollgate/replayed"));
    }

    @Test
    void aMessageIdReusedForAnotherCallGetsATaskOfItsOwn() {
        JsonNode first = task(send("m-reuse", dataPart("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"x\"}}")));
        a2a.executor.answer = r -> {
            throw new TollgateException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was already used");
        };
        JsonNode second = task(send("m-reuse", dataPart("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"y\"}}")));
        assertEquals("failed", second.path("status").path("state").asText());
        assertNotEquals(first.path("id"), second.path("id"));
        JsonNode original = a2a.rpc(request(3, "tasks/get", "{\"id\":\"" + first.path("id").asText() + "\"}")).path("result");
        assertEquals("completed", original.path("status").path("state").asText(), "the completed task is never replaced");
    }

    @Test
    void theMessagesContextIdIsKept() {
        JsonNode task = task(A2aTestSupport.request(1, "message/send", "{\"message\":{\"kind\":\"message\",\"role\":\"user\","
                + "\"messageId\":\"m-ctx\",\"contextId\":\"conversation-7\",\"parts\":"
                + dataPart("{\"name\":\"tollgate_account\"}") + "}}"));
        assertEquals("conversation-7", task.path("contextId").asText());
    }

    @Test
    void aResultThatIsNotAnObjectIsWrapped() {
        a2a.executor.answer = r -> {
            ObjectNode body = Json.object();
            body.putArray("result").add(1).add(2);
            body.putObject("billing").put("mode", "free");
            return new ExecutionOutcome(200, body, false);
        };
        JsonNode task = task(send("m-array", dataPart("{\"name\":\"context7_resolve_library\",\"arguments\":{\"query\":\"x\"}}")));
        assertEquals("[1,2]", task.path("artifacts").get(0).path("parts").get(0).path("data").path("result").toString());
    }

    // ---- tasks/get, tasks/cancel -------------------------------------------------------------------------------

    @Test
    void tasksGetReturnsTheTaskToItsAccountOnly() {
        JsonNode task = task(send("m-get", dataPart("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"x\"}}")));
        String get = request(7, "tasks/get", "{\"id\":\"" + task.path("id").asText() + "\",\"historyLength\":0}");
        JsonNode response = a2a.rpc(get);
        assertEquals(7, response.path("id").asInt());
        assertEquals(task, response.path("result"));

        JsonNode foreign = A2aTestSupport.json(a2a.post(OTHER_TOKEN, get));
        rpcError(foreign, -32001);
        assertFalse(foreign.toString().contains("tavily"), "another account learns nothing");
    }

    @Test
    void unknownAndMalformedTaskIdsAreNotFound() {
        rpcError(a2a.rpc(request(1, "tasks/get", "{\"id\":\"task_0123456789abcdef0123456789abcdef\"}")), -32001);
        rpcError(a2a.rpc(request(1, "tasks/get", "{\"id\":\"../../etc/passwd\"}")), -32001);
        rpcError(a2a.rpc(request(1, "tasks/get", "{\"id\":\"" + "x".repeat(10_000) + "\"}")), -32001);
        rpcError(a2a.rpc(request(1, "tasks/get", "{}")), -32602);
        rpcError(a2a.rpc(request(1, "tasks/get", "{\"id\":7}")), -32602);
        rpcError(a2a.rpc(request(1, "tasks/get", "{\"id\":\"task_1\",\"historyLength\":-1}")), -32602);
    }

    @Test
    void tasksCancelFindsEveryTaskFinished() {
        JsonNode task = task(send("m-cancel", dataPart("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"x\"}}")));
        JsonNode error = rpcError(a2a.rpc(request(1, "tasks/cancel", "{\"id\":\"" + task.path("id").asText() + "\"}")), -32002);
        assertTrue(error.path("message").asText().contains("completed"));
        rpcError(a2a.rpc(request(1, "tasks/cancel", "{\"id\":\"task_0123456789abcdef0123456789abcdef\"}")), -32001);
    }

    @Test
    void aMessageForAFinishedTaskIsRefused() {
        JsonNode task = task(send("m-first", dataPart("{\"name\":\"tollgate_account\"}")));
        String followUp = request(1, "message/send", "{\"message\":{\"kind\":\"message\",\"role\":\"user\","
                + "\"messageId\":\"m-second\",\"taskId\":\"" + task.path("id").asText() + "\",\"parts\":"
                + dataPart("{\"name\":\"tollgate_account\"}") + "}}");
        assertTrue(rpcError(a2a.rpc(followUp), -32602).path("message").asText().contains("already completed"));
        rpcError(a2a.rpc(followUp.replace(task.path("id").asText(), "task_0123456789abcdef0123456789abcdef")), -32001);
    }

    // ---- JSON-RPC and A2A errors -------------------------------------------------------------------------------

    @Test
    void methodsTollgateDoesNotOfferGetA2aErrors() {
        String message = "{\"message\":{\"kind\":\"message\",\"role\":\"user\",\"messageId\":\"s\",\"parts\":[{\"kind\":\"text\",\"text\":\"hi\"}]}}";
        rpcError(a2a.rpc(request(1, "message/stream", message)), -32004);
        rpcError(a2a.rpc(request(1, "tasks/resubscribe", "{\"id\":\"task_1\"}")), -32004);
        rpcError(a2a.rpc(request(1, "tasks/pushNotificationConfig/set", "{}")), -32003);
        rpcError(a2a.rpc(request(1, "tasks/pushNotificationConfig/get", "{}")), -32003);
        rpcError(a2a.rpc(request(1, "agent/getAuthenticatedExtendedCard", null)), -32007);
        rpcError(a2a.rpc(request(1, "tasks/list", null)), -32601);
        rpcError(a2a.rpc(request(1, "tools/call", "{}")), -32601);
        assertTrue(a2a.executor.executed.isEmpty());
    }

    @Test
    void malformedJsonRpcGetsTheStandardCodes() {
        rpcError(a2a.rpc("{not json"), -32700);
        rpcError(a2a.rpc(""), -32700);
        rpcError(a2a.rpc("[" + request(1, "tasks/get", "{\"id\":\"x\"}") + "]"), -32600);
        rpcError(a2a.rpc("[]"), -32600);
        rpcError(a2a.rpc("42"), -32600);
        rpcError(a2a.rpc("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"tasks/get\"}"), -32600);
        rpcError(a2a.rpc("{\"jsonrpc\":\"2.0\",\"method\":\"message/send\",\"params\":{}}"), -32600);
        rpcError(a2a.rpc("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"tasks/get\"}"), -32600);
        rpcError(a2a.rpc("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}"), -32600);
        rpcError(a2a.rpc(request(1, "message/send", "[1,2]")), -32602);
        assertTrue(a2a.executor.executed.isEmpty());
    }

    @Test
    void deepNestingIsAParseErrorNotACrash() {
        String deep = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        rpcError(a2a.rpc(deep), -32700);
        String deepParams = request(1, "message/send", "{\"message\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}");
        JsonNode response = a2a.rpc(deepParams);
        assertTrue(response.has("error"), response.toString());
    }

    @Test
    void badMessagesAreInvalidParams() {
        rpcError(a2a.rpc(request(1, "message/send", "{}")), -32602);
        rpcError(a2a.rpc(request(1, "message/send", null)), -32602);
        rpcError(a2a.rpc(request(1, "message/send", "{\"message\":{\"kind\":\"message\",\"role\":\"user\",\"messageId\":\"m\",\"parts\":[]}}")), -32602);
        rpcError(a2a.rpc(request(1, "message/send", "{\"message\":{\"kind\":\"message\",\"role\":\"robot\",\"messageId\":\"m\",\"parts\":[{\"kind\":\"text\",\"text\":\"x\"}]}}")), -32602);
        rpcError(a2a.rpc(request(1, "message/send", "{\"message\":{\"kind\":\"message\",\"role\":\"user\",\"parts\":[{\"kind\":\"text\",\"text\":\"x\"}]}}")), -32602);
        rpcError(a2a.rpc(request(1, "message/send", "{\"message\":{\"kind\":\"message\",\"role\":\"user\",\"messageId\":\"m\",\"parts\":[{\"kind\":\"video\"}]}}")), -32602);
        rpcError(a2a.rpc(send("x".repeat(256), dataPart("{\"name\":\"tollgate_account\"}"))), -32602);
        rpcError(a2a.rpc(send("tab\there", dataPart("{\"name\":\"tollgate_account\"}"))), -32602);
        assertTrue(a2a.executor.executed.isEmpty());
    }

    @Test
    void anEngineBugIsAnInternalErrorTaskAndLeaksNothing() {
        a2a.executor.answer = r -> {
            throw new IllegalStateException("boom sk-proj-SECRETsecretSECRETsecret0000");
        };
        JsonNode task = task(send("m-bug", dataPart("{\"name\":\"tavily_search\",\"arguments\":{\"query\":\"x\"}}")));
        assertEquals("failed", task.path("status").path("state").asText());
        assertEquals("internal_error", task.path("metadata").path("tollgate/error").path("code").asText());
        assertFalse(task.toString().contains("SECRET"));
    }

    @Test
    void theIdIsEchoedAsSent() {
        assertEquals("\"abc\"", a2a.rpc(request("abc", "tasks/get", "{\"id\":\"task_x\"}")).path("id").toString());
        assertEquals("9007199254740993", a2a.rpc(request(9007199254740993L, "tasks/get", "{\"id\":\"task_x\"}")).path("id").toString());
    }

    // ---- HTTP --------------------------------------------------------------------------------------------------

    @Test
    void aMissingTokenIs401WithAJsonRpcBody() {
        ApiResponse response = a2a.post("tg_test_wrong", request(1, "tasks/get", "{\"id\":\"x\"}"));
        assertEquals(401, response.status());
        assertTrue(response.headers().get("WWW-Authenticate").startsWith("Bearer"));
        JsonNode body = A2aTestSupport.json(response);
        assertEquals(-32000, body.path("error").path("code").asInt());
        assertEquals("unauthorized", body.path("error").path("data").path("code").asText());
        assertTrue(body.path("id").isNull());
    }

    @Test
    void aBodyNotSentAsJsonIs415() {
        ApiResponse response = a2a.endpoint.post(A2aTestSupport.request("POST", "/a2a", Map.of(
                "authorization", "Bearer " + TOKEN, "content-type", "text/plain"), request(1, "tasks/get", "{}")));
        assertEquals(415, response.status());
        assertEquals("unsupported_media_type", A2aTestSupport.json(response).path("error").path("data").path("code").asText());
    }
}
