package dev.tollgate.a2a;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.execution.ExecutionService;
import dev.tollgate.json.Json;
import dev.tollgate.log.Log;
import java.util.Map;

/**
 * The JSON-RPC side of {@code POST /a2a} (A2A 0.3 JSON-RPC binding): one request per POST, answered with one
 * response — the HTTP status is 200 for every JSON-RPC answer, errors included, as A2A clients expect. Batches and
 * notifications are not part of A2A and are refused (-32600); unparseable JSON is -32700, a method A2A does not
 * define -32601, bad params -32602. Methods A2A defines but Tollgate does not offer get A2A's own errors: streaming
 * ({@code message/stream}, {@code tasks/resubscribe}) {@code UnsupportedOperationError}, push notifications
 * {@code PushNotificationNotSupportedError}, the extended card {@code AuthenticatedExtendedCardNotConfiguredError}.
 */
public final class A2aDispatcher {
    private static final Log LOG = Log.get(A2aDispatcher.class);

    private final A2aTasks tasks;

    public A2aDispatcher(A2aTasks tasks) {
        this.tasks = tasks;
    }

    /**
     * The provider a POST body will call: that of a {@code message/send} (null for anything else), so that
     * authentication reads the account's key pointers for it in the same round trip.
     */
    public String providerCalledBy(JsonNode body) {
        return body != null && "message/send".equals(body.path("method").asText())
                ? tasks.providerCalledBy(body.get("params")) : null;
    }

    /** Answers one POST body for the authenticated caller. */
    public ObjectNode handle(Acting acting, String body, String requestId) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : Json.read(body);
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root == null || root.isMissingNode()) {
            return A2aJson.error(null, A2aError.PARSE_ERROR.with("Parse error: the body is not JSON"));
        }
        if (root.isArray()) {
            return A2aJson.error(null, A2aError.INVALID_REQUEST.with(
                    "JSON-RPC batches are not supported: send one request per POST"));
        }
        if (!root.isObject()) {
            return A2aJson.error(null, A2aError.INVALID_REQUEST.with("Invalid Request: not a JSON-RPC request"));
        }
        JsonNode idNode = root.get("id");
        JsonNode id = validId(idNode) ? idNode : null;
        if (!"2.0".equals(root.path("jsonrpc").asText(null))) {
            return A2aJson.error(id, A2aError.INVALID_REQUEST.with("Invalid Request: 'jsonrpc' must be \"2.0\""));
        }
        if (idNode == null || id == null) {
            return A2aJson.error(null, A2aError.INVALID_REQUEST.with(idNode == null
                    ? "Invalid Request: 'id' is required (A2A has no notifications)"
                    : "Invalid Request: 'id' must be a string, an integer or null"));
        }
        JsonNode method = root.get("method");
        if (method == null || !method.isTextual()) {
            return A2aJson.error(id, A2aError.INVALID_REQUEST.with("Invalid Request: 'method' must be a string"));
        }
        JsonNode params = root.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            return A2aJson.error(id, A2aError.INVALID_PARAMS.with("'params' must be an object"));
        }
        try {
            return A2aJson.success(id, dispatch(acting, method.asText(), params, requestId));
        } catch (RpcFailure e) {
            LOG.info("a2a request refused", "method", ExecutionService.shorten(method.asText()),
                    "code", e.error().getCode());
            return A2aJson.error(id, e.error());
        } catch (RuntimeException e) {
            LOG.error("a2a request failed", e, "method", ExecutionService.shorten(method.asText()));
            return A2aJson.error(id, A2aError.INTERNAL_ERROR.with("Internal error",
                    Map.of("code", ErrorCode.INTERNAL_ERROR.code(), "request_id", requestId)));
        }
    }

    private JsonNode dispatch(Acting acting, String method, JsonNode params, String requestId) {
        switch (method) {
            case "message/send":
                return tasks.send(acting, params, requestId);
            case "tasks/get":
                return tasks.get(acting, params);
            case "tasks/cancel":
                return tasks.cancel(acting, params);
            case "message/stream":
            case "tasks/resubscribe":
                throw new RpcFailure(A2aError.UNSUPPORTED_OPERATION.with("Streaming is not supported "
                        + "(capabilities.streaming is false): message/send answers with the finished task"));
            case "tasks/pushNotificationConfig/set":
            case "tasks/pushNotificationConfig/get":
            case "tasks/pushNotificationConfig/list":
            case "tasks/pushNotificationConfig/delete":
                throw new RpcFailure(A2aError.PUSH_NOTIFICATION_NOT_SUPPORTED.with("Push notifications are not "
                        + "supported: tasks finish before message/send answers"));
            case "agent/getAuthenticatedExtendedCard":
                throw new RpcFailure(A2aError.AUTHENTICATED_EXTENDED_CARD_NOT_CONFIGURED.with("There is no extended "
                        + "agent card: the public card lists every skill"));
            default:
                throw new RpcFailure(A2aError.METHOD_NOT_FOUND.with(
                        "Method not found: " + ExecutionService.shorten(method)));
        }
    }

    /** JSON-RPC ids are strings, numbers or null; A2A's SDKs use strings and integers. */
    private static boolean validId(JsonNode id) {
        return id != null && (id.isTextual() || id.isNull() || (id.isIntegralNumber() && id.canConvertToLong()));
    }
}
