package dev.tollgate.a2a;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.RunIds;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.CallOutcome;
import dev.tollgate.execution.ExecutionService;
import dev.tollgate.execution.StoredResponses;
import dev.tollgate.execution.ToolInvoker;
import dev.tollgate.http.ErrorResponses;
import dev.tollgate.json.Json;
import dev.tollgate.log.Log;
import io.a2a.spec.Artifact;
import io.a2a.spec.DataPart;
import io.a2a.spec.Message;
import io.a2a.spec.Part;
import io.a2a.spec.Task;
import io.a2a.spec.TaskState;
import io.a2a.spec.TaskStatus;
import io.a2a.spec.TextPart;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The A2A methods that touch tasks, for one account (SPEC 12.1). {@code message/send} runs the one call its data part
 * describes through the {@link ToolInvoker} — the execution engine of REST and MCP, with the message's
 * {@code messageId} as the idempotency key — and answers the finished task: {@code completed} with the result as a
 * data artifact and the billing object in {@code metadata["tollgate/billing"]}, or {@code failed} ({@code rejected}
 * for 402/403 refusals) whose status message carries the error object. Tasks are kept 24 hours for
 * {@code tasks/get}; they finish before the answer, so {@code tasks/cancel} always finds them past cancelling.
 *
 * <p>The task id is derived from (account, messageId), so a replayed message answers with the task it created; a
 * message refused because its id is in flight or was used for another call gets a task of its own instead.
 */
public final class A2aTasks {
    static final Duration RETENTION = Duration.ofHours(24);
    static final int MAX_ID = ExecutionService.MAX_IDEMPOTENCY_KEY;
    static final int MAX_NAME = 64;
    public static final String META_BILLING = "tollgate/billing";
    public static final String META_ERROR = "tollgate/error";
    public static final String META_REPLAYED = "tollgate/replayed";
    public static final String META_TOOL = "tollgate/tool";
    public static final String META_RESULT_STORED = "tollgate/result_stored";
    static final String HOW_TO_CALL = "send one data part {\"tool\": \"openai\", \"operation\": \"chat_completion\", "
            + "\"input\": {...}} or {\"name\": \"openai_chat_completion\", \"arguments\": {...}}; the agent card's "
            + "skills list every tool, and GET /api/v1/tools their input schemas";
    /** Failures that belong to the messageId, not to a run of the call: they must not take over the call's task id. */
    private static final Set<String> KEY_CONFLICTS = Set.of(ErrorCode.IDEMPOTENCY_KEY_REUSED.code(),
            ErrorCode.REQUEST_IN_PROGRESS.code());
    private static final Log LOG = Log.get(A2aTasks.class);

    private final ToolInvoker invoker;
    private final TaskStore store;
    private final Clock clock;

    public A2aTasks(ToolInvoker invoker, TaskStore store, Clock clock) {
        this.invoker = invoker;
        this.store = store;
        this.clock = clock;
    }

    /** What a message asks to run: a tool by name, or a provider's operation. */
    private record Call(String name, String tool, String operation, JsonNode input) {
        String toolName() {
            return name != null ? name : tool + "_" + operation;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // message/send
    // ------------------------------------------------------------------------------------------------------------

    ObjectNode send(Acting acting, JsonNode params, String requestId) {
        JsonNode messageNode = params == null ? null : params.get("message");
        if (messageNode == null || !messageNode.isObject()) {
            throw RpcFailure.invalidParams("params.message is required: an A2A Message with kind \"message\", role, "
                    + "parts and messageId");
        }
        Message message = bind(messageNode);
        String messageId = message.getMessageId();
        if (!ExecutionService.isValidIdempotencyKey(messageId)) {
            throw RpcFailure.invalidParams("message.messageId is this call's idempotency key: 1 to " + MAX_ID
                    + " printable ASCII characters");
        }
        if (message.getContextId() != null && !ExecutionService.isValidIdempotencyKey(message.getContextId())) {
            throw RpcFailure.invalidParams("message.contextId must be 1 to " + MAX_ID + " printable ASCII characters");
        }
        if (message.getTaskId() != null) {
            refuseContinuation(acting, message.getTaskId());
        }
        String runId = runId(message.getMetadata());
        String taskId = derivedId("task", acting.accountId(), messageId);
        String contextId = message.getContextId() != null ? message.getContextId()
                : derivedId("ctx", acting.accountId(), messageId);
        Instant now = clock.instant();

        Call call;
        try {
            call = callIn(messageNode.get("parts"));
        } catch (TollgateException e) {
            return finish(acting, taskId, contextId, null, now, CallOutcome.failure(ErrorResponses.callError(e, requestId)));
        }
        CallOutcome outcome = call.name() != null
                ? invoker.callByName(acting, call.name(), call.input(), messageId, runId, requestId)
                : invoker.call(acting, call.tool(), call.operation(), call.input(), messageId, runId, requestId);
        if (outcome.replayed()) {
            Optional<ObjectNode> original = stored(acting, taskId);
            if (original.isPresent() && TaskState.COMPLETED.asString().equals(state(original.get()))) {
                return replayed(original.get());
            }
        }
        if (outcome.failed() && KEY_CONFLICTS.contains(outcome.errorCode())) {
            taskId = Ids.newId("task");
        }
        return finish(acting, taskId, contextId, call.toolName(), now, outcome);
    }

    /** The SDK's reading of the message: a shape it would not accept is the client's error (-32602). */
    private static Message bind(JsonNode messageNode) {
        try {
            return A2aJson.MAPPER.treeToValue(messageNode, Message.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw RpcFailure.invalidParams("params.message is not an A2A Message: it needs \"kind\": \"message\", "
                    + "\"role\": \"user\", a non-empty \"parts\" array (each with its kind: text, data or file) and a "
                    + "\"messageId\"");
        }
    }

    /** Tasks finish within their message/send: a message naming a task can only be a mistake. */
    private void refuseContinuation(Acting acting, String taskId) {
        ObjectNode task = stored(acting, taskId).orElseThrow(RpcFailure::taskNotFound);
        throw RpcFailure.invalidParams("Task " + taskId + " is already " + state(task) + ": each task is one finished "
                + "call. Send a new message without taskId (the same contextId keeps them together)");
    }

    /** The provider a {@code message/send}'s params will call, or null when they name none (yet). */
    String providerCalledBy(JsonNode params) {
        JsonNode parts = params == null ? null : params.path("message").get("parts");
        if (parts == null || !parts.isArray()) {
            return null;
        }
        try {
            Call call = callIn(parts);
            return call.tool() != null ? call.tool() : invoker.providerOf(call.name());
        } catch (TollgateException noCall) {
            return null; // the call itself says what is wrong with it, once its caller is known
        }
    }

    /** The call of the first data part that describes one; a message without one is a failed task saying how. */
    private static Call callIn(JsonNode parts) {
        boolean sawData = false;
        for (int i = 0; i < parts.size(); i++) {
            JsonNode part = parts.get(i);
            JsonNode data = part.path("data");
            if (!"data".equals(part.path("kind").asText()) || !data.isObject()) {
                continue;
            }
            sawData = true;
            String pointer = "/params/message/parts/" + i + "/data/";
            if (data.has("tool") || data.has("operation")) {
                return new Call(null, name(data, "tool", pointer), name(data, "operation", pointer), data.get("input"));
            }
            if (data.has("name")) {
                return new Call(name(data, "name", pointer), null, null, data.get("arguments"));
            }
        }
        throw new TollgateException(ErrorCode.VALIDATION_FAILED, (sawData
                ? "No data part of this message describes a call: "
                : "This agent runs one Tollgate tool per message and reads it from a data part, not from text: ")
                + HOW_TO_CALL, Map.of("pointer", "/params/message/parts"));
    }

    private static String name(JsonNode data, String field, String pointer) {
        JsonNode value = data.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank() || value.asText().length() > MAX_NAME) {
            throw TollgateException.validation(pointer + field, "'" + field + "' must be a string of 1 to " + MAX_NAME
                    + " characters; " + HOW_TO_CALL);
        }
        return value.asText();
    }

    /** Builds, keeps and answers the task of one finished call. */
    private ObjectNode finish(Acting acting, String taskId, String contextId, String toolName, Instant at,
                              CallOutcome outcome) {
        TaskState state = outcome.failed() ? (outcome.status() == 402 || outcome.status() == 403
                ? TaskState.REJECTED : TaskState.FAILED) : TaskState.COMPLETED;
        ObjectNode task = task(taskId, contextId, toolName, state, at, outcome);
        try {
            StoredResponses.Encoded encoded = StoredResponses.encode(task, () -> withoutResult(task));
            store.put(acting.accountId(), taskId, state.asString(), encoded.bytes(), encoded.gzip(), at, at.plus(RETENTION));
        } catch (RuntimeException e) {
            // The call happened (and may have been charged): answer it. A retry of the message stores it again.
            LOG.error("storing an A2A task failed; tasks/get will not find it", e, "task_id", taskId);
        }
        LOG.info("a2a task", "task_id", taskId, "state", state.asString(),
                "code", outcome.failed() ? outcome.errorCode() : "ok");
        return outcome.replayed() ? replayed(task) : task;
    }

    static ObjectNode task(String taskId, String contextId, String toolName, TaskState state, Instant at,
                           CallOutcome outcome) {
        OffsetDateTime timestamp = OffsetDateTime.ofInstant(at.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (toolName != null) {
            metadata.put(META_TOOL, toolName);
        }
        Task.Builder task = new Task.Builder().id(taskId).contextId(contextId);
        if (outcome.failed()) {
            ObjectNode error = outcome.error();
            ObjectNode envelope = Json.object();
            envelope.set("error", error);
            String text = ErrorResponses.callErrorText(error, outcome.status());
            Message status = new Message.Builder()
                    .role(Message.Role.AGENT)
                    .messageId(taskId.replaceFirst("^task_", "msg_"))
                    .taskId(taskId)
                    .contextId(contextId)
                    .parts(List.<Part<?>>of(new TextPart(text), new DataPart(A2aJson.members(envelope))))
                    .build();
            task.status(new TaskStatus(state, status, timestamp));
            metadata.put(META_ERROR, error);
        } else {
            JsonNode result = outcome.result();
            ObjectNode data;
            if (result.isObject()) {
                data = (ObjectNode) result;
            } else {
                data = Json.object();
                data.set("result", result);
            }
            task.status(new TaskStatus(state, null, timestamp));
            task.artifacts(List.of(new Artifact.Builder().artifactId("result").name(toolName)
                    .parts(List.<Part<?>>of(new DataPart(A2aJson.members(data)))).build()));
            metadata.put(META_BILLING, outcome.billing());
            if (!outcome.resultStored()) {
                metadata.put(META_RESULT_STORED, false);
            }
        }
        return A2aJson.tree(task.metadata(metadata).build());
    }

    /** What is kept of a task whose result is too large for the store: everything but the result. */
    private static ObjectNode withoutResult(ObjectNode task) {
        ObjectNode smaller = task.deepCopy();
        for (JsonNode artifact : smaller.path("artifacts")) {
            for (JsonNode part : artifact.path("parts")) {
                ObjectNode data = Json.object();
                data.putNull("result");
                ((ObjectNode) part).set("data", data);
            }
        }
        if (smaller.path("metadata").isObject()) {
            ((ObjectNode) smaller.get("metadata")).put(META_RESULT_STORED, false);
        }
        return smaller;
    }

    private static ObjectNode replayed(ObjectNode task) {
        ObjectNode copy = task.deepCopy();
        if (copy.path("metadata").isObject()) {
            ((ObjectNode) copy.get("metadata")).put(META_REPLAYED, true);
        }
        return copy;
    }

    // ------------------------------------------------------------------------------------------------------------
    // tasks/get, tasks/cancel
    // ------------------------------------------------------------------------------------------------------------

    ObjectNode get(Acting acting, JsonNode params) {
        String id = taskIdParam(params);
        JsonNode historyLength = params.get("historyLength");
        if (historyLength != null && !historyLength.isNull()
                && !(historyLength.canConvertToInt() && historyLength.isIntegralNumber() && historyLength.intValue() >= 0)) {
            throw RpcFailure.invalidParams("params.historyLength must be a non-negative integer");
        }
        return stored(acting, id).orElseThrow(RpcFailure::taskNotFound);
    }

    ObjectNode cancel(Acting acting, JsonNode params) {
        String id = taskIdParam(params);
        ObjectNode task = stored(acting, id).orElseThrow(RpcFailure::taskNotFound);
        throw new RpcFailure(A2aError.TASK_NOT_CANCELABLE.with("Task " + id + " is already " + state(task)
                + ": tasks finish before message/send answers, so there is nothing left to cancel"));
    }

    private static String taskIdParam(JsonNode params) {
        JsonNode id = params == null ? null : params.get("id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            throw RpcFailure.invalidParams("params.id (the task id) is required");
        }
        return id.asText();
    }

    /** The account's task; ids that Tollgate never issues are not looked up. */
    private Optional<ObjectNode> stored(Acting acting, String taskId) {
        if (!Ids.looksLike(taskId, "task")) {
            return Optional.empty();
        }
        return store.find(acting.accountId(), taskId, clock.instant())
                .map(found -> StoredResponses.decode(found.task(), found.gzip()));
    }

    private static String state(ObjectNode task) {
        return task.path("status").path("state").asText("unknown");
    }

    // ------------------------------------------------------------------------------------------------------------
    // Ids
    // ------------------------------------------------------------------------------------------------------------

    /** {@code metadata["tollgate/run"]}: the run of the run history the call belongs to, as X-Tollgate-Run on REST. */
    private static String runId(Map<String, Object> metadata) {
        Object run = metadata == null ? null : metadata.get(RunIds.METADATA_KEY);
        if (run == null) {
            return null;
        }
        if (!(run instanceof String text) || !RunIds.isValid(text)) {
            throw RpcFailure.invalidParams("message.metadata[\"" + RunIds.METADATA_KEY + "\"] must be " + RunIds.RULE);
        }
        return text;
    }

    /** {@code prefix_} + 32 hex digits of SHA-256(prefix, account, messageId): the same message, the same id. */
    static String derivedId(String prefix, String accountId, String messageId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((prefix + "\n" + accountId + "\n" + messageId)
                    .getBytes(StandardCharsets.UTF_8));
            return prefix + "_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
