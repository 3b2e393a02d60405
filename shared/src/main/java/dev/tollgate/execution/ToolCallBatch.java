package dev.tollgate.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ErrorResponses;
import dev.tollgate.json.Json;
import dev.tollgate.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/tool-calls} (SPEC 12.2): the {@code tool_calls} a model answered with, executed as they come —
 * Chat Completions items ({@code {"id", "type": "function", "function": {"name", "arguments"}}}) or Responses API
 * {@code function_call} items ({@code {"type": "function_call", "call_id", "name", "arguments"}}) — and answered with
 * the {@code role: "tool"} messages to append to the conversation plus one billing entry per call.
 *
 * <p>Calls run in order through the {@link ToolInvoker} (REST's engine), each with its tool call id as idempotency
 * key, so resending a batch replays the calls that already ran instead of charging them again. A call that fails —
 * arguments that are not JSON, an unknown tool, a refused payment — answers its own message with the error object;
 * the others still run. What makes the batch unreadable as a whole (not an array, more than {@value #MAX_CALLS}
 * calls, an item without a usable id) is a {@code 400} before anything runs. A Responses API output may be sent
 * whole: its items that are no calls (reasoning, messages) are skipped.
 *
 * <p>API Gateway answers within 30 s, so a call is not started once the request has run for the configured budget
 * ({@code TOLLGATE_TOOL_CALLS_BUDGET_SECONDS}, default 20): its message says {@code time_budget_exhausted} (as a call
 * {@code /mcp} could not start in time), and sending the batch again runs it while the finished calls replay.
 */
public final class ToolCallBatch {
    public static final int MAX_CALLS = 16;
    /** Array items read at most: calls plus the other items of a Responses API output. */
    static final int MAX_ITEMS = 64;
    private static final Log LOG = Log.get(ToolCallBatch.class);
    private static final String SHAPES = "Chat Completions tool calls {\"id\", \"type\": \"function\", \"function\": "
            + "{\"name\", \"arguments\"}} or Responses API items {\"type\": \"function_call\", \"call_id\", \"name\", "
            + "\"arguments\"}";

    private final ToolInvoker invoker;
    private final Clock clock;
    private final Duration budget;

    public ToolCallBatch(ToolInvoker invoker, Clock clock, Duration budget) {
        this.invoker = invoker;
        this.clock = clock;
        this.budget = budget;
    }

    public static Duration budget(Config config) {
        return Duration.ofSeconds(config.getLong("TOLLGATE_TOOL_CALLS_BUDGET_SECONDS", 20));
    }

    /** One item of the array: its id, and either what to call or why it cannot be called. */
    private record Item(String id, String name, JsonNode arguments, TollgateException problem) {
    }

    /**
     * Runs the body's {@code tool_calls}; answers {@code {"messages": [...], "billing": [...]}}.
     *
     * @param runId the run of the run history every call belongs to ({@code X-Tollgate-Run}), or null
     */
    public ObjectNode run(Acting acting, JsonNode body, String runId, String requestId) {
        List<Item> items = items(body.get("tool_calls"));
        Instant started = clock.instant();
        ObjectNode answer = Json.object();
        ArrayNode messages = answer.putArray("messages");
        ArrayNode billing = answer.putArray("billing");
        int failed = 0;
        Acting current = acting;
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            String callRequestId = i == 0 ? requestId : Ids.newId("req");
            CallOutcome outcome;
            if (item.problem() != null) {
                outcome = CallOutcome.failure(ErrorResponses.callError(item.problem(), callRequestId));
            } else if (i > 0 && !Duration.between(started, clock.instant()).minus(budget).isNegative()) {
                outcome = CallOutcome.failure(ErrorResponses.callError(new TollgateException(ErrorCode.TIME_BUDGET_EXHAUSTED,
                        "Not run: the calls before it used this request's " + budget.toSeconds() + " s budget. Send it "
                                + "again with the same id; calls that already ran are replayed, not charged again",
                        Map.of("tool_call_id", item.id())), callRequestId));
            } else {
                outcome = invoker.callByName(current, item.name(), item.arguments(), item.id(), runId, callRequestId);
                if (!outcome.failed() && outcome.billing() != null
                        && "credits".equals(outcome.billing().path("mode").asText())) {
                    current = acting.withoutEntryBalance();
                }
            }
            failed += outcome.failed() ? 1 : 0;
            messages.add(message(item.id(), outcome));
            billing.add(billing(item.id(), outcome, callRequestId));
        }
        LOG.info("tool calls", "calls", items.size(), "failed", failed);
        return answer;
    }

    private static List<Item> items(JsonNode calls) {
        if (calls == null || !calls.isArray()) {
            throw TollgateException.validation("/tool_calls", "'tool_calls' is required: the tool_calls array of an "
                    + "OpenAI assistant message, or the output items of a Responses API answer");
        }
        if (calls.size() > MAX_ITEMS) {
            throw tooMany();
        }
        List<Item> items = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            Item item = item(calls.get(i), "/tool_calls/" + i);
            if (item != null) {
                items.add(item);
            }
        }
        if (items.isEmpty() || items.size() > MAX_CALLS) {
            throw items.isEmpty() ? TollgateException.validation("/tool_calls", "'tool_calls' holds no function call: "
                    + SHAPES) : tooMany();
        }
        return items;
    }

    private static TollgateException tooMany() {
        return new TollgateException(ErrorCode.VALIDATION_FAILED, "'tool_calls' may hold at most " + MAX_CALLS
                + " calls; send more in several requests", Map.of("pointer", "/tool_calls", "max_calls", MAX_CALLS));
    }

    /**
     * One array item as a call; null for a Responses API output item that is no call (reasoning, a message), which
     * needs no tool message. A custom (free-form) tool call is answered, as it must be, with an error.
     */
    private static Item item(JsonNode call, String pointer) {
        if (!call.isObject()) {
            throw TollgateException.validation(pointer, "Each tool call must be an object: " + SHAPES);
        }
        String type = call.path("type").asText("");
        JsonNode function = call.get("function");
        boolean responses = type.equals("function_call") || type.equals("custom_tool_call");
        boolean chat = type.equals("custom") || ((type.isEmpty() || type.equals("function"))
                && function != null && function.isObject());
        if (!responses && !chat) {
            if (type.isEmpty() || type.equals("function")) {
                throw TollgateException.validation(pointer + "/function", "A tool call needs its function: " + SHAPES);
            }
            return null;
        }
        String idField = responses ? "call_id" : "id";
        JsonNode id = call.get(idField);
        if (id == null || !id.isTextual() || !ExecutionService.isValidIdempotencyKey(id.asText())) {
            throw TollgateException.validation(pointer + "/" + idField, "'" + idField + "' is required: 1 to "
                    + ExecutionService.MAX_IDEMPOTENCY_KEY + " printable ASCII characters (it answers in tool_call_id "
                    + "and is the call's idempotency key)");
        }
        if (type.startsWith("custom")) {
            return new Item(id.asText(), null, null, TollgateException.validation(pointer + "/type",
                    "Custom (free-form) tools are not Tollgate tools; only function calls can be executed"));
        }
        JsonNode name = responses ? call.get("name") : function.get("name");
        JsonNode arguments = responses ? call.get("arguments") : function.get("arguments");
        String at = responses ? pointer : pointer + "/function";
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            return new Item(id.asText(), null, null, TollgateException.validation(at + "/name",
                    "The tool call names no function"));
        }
        try {
            return new Item(id.asText(), name.asText(), arguments(arguments, at + "/arguments"), null);
        } catch (TollgateException e) {
            return new Item(id.asText(), name.asText(), null, e);
        }
    }

    /** OpenAI sends the arguments as a JSON string (maybe empty for a function without parameters). */
    private static JsonNode arguments(JsonNode arguments, String pointer) {
        if (arguments == null || arguments.isNull()) {
            return Json.object();
        }
        JsonNode parsed = arguments;
        if (arguments.isTextual()) {
            if (arguments.asText().isBlank()) {
                return Json.object();
            }
            try {
                parsed = Json.read(arguments.asText());
            } catch (JsonProcessingException e) {
                var at = e.getLocation();
                throw TollgateException.validation(pointer, "'arguments' is not valid JSON"
                        + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                        + "; the model should send the function's arguments as a JSON object");
            }
        }
        if (parsed == null || !parsed.isObject()) {
            throw TollgateException.validation(pointer, "'arguments' must be a JSON object");
        }
        return parsed;
    }

    private static ObjectNode message(String id, CallOutcome outcome) {
        ObjectNode message = Json.object();
        message.put("role", "tool");
        message.put("tool_call_id", id);
        JsonNode content;
        if (outcome.failed()) {
            ObjectNode envelope = Json.object();
            envelope.set("error", outcome.error());
            content = envelope;
        } else {
            content = outcome.result();
        }
        message.put("content", Json.write(content));
        return message;
    }

    private static ObjectNode billing(String id, CallOutcome outcome, String requestId) {
        ObjectNode entry = Json.object();
        entry.put("tool_call_id", id);
        if (outcome.failed()) {
            entry.putNull("mode");
            entry.put("credits_charged", 0);
            entry.put("error_code", outcome.errorCode());
            entry.put("request_id", requestId);
            return entry;
        }
        if (outcome.billing() != null && outcome.billing().isObject()) {
            entry.setAll((ObjectNode) outcome.billing());
        }
        entry.putNull("error_code");
        if (outcome.replayed()) {
            entry.put("replayed", true);
        }
        if (!outcome.resultStored()) {
            entry.put("result_stored", false);
        }
        return entry;
    }
}
