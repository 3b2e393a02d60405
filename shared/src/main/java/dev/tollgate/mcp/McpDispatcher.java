package dev.tollgate.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.catalog.Operation;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ErrorResponses;
import dev.tollgate.json.JsonLimits;
import dev.tollgate.log.Log;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;
import io.modelcontextprotocol.spec.McpSchema.Implementation;
import io.modelcontextprotocol.spec.McpSchema.InitializeRequest;
import io.modelcontextprotocol.spec.McpSchema.InitializeResult;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpSchema.PaginatedRequest;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The JSON-RPC side of {@code POST /mcp}, stateless: every POST is answered from its own body, its
 * {@code MCP-Protocol-Version} header and the authenticated caller, with nothing remembered in between (there is no
 * session; {@code Mcp-Session-Id} is neither issued nor required). Messages are read and written through the MCP
 * SDK's schema records ({@code JSONRPCRequest}, {@code InitializeResult}, {@code ListToolsResult},
 * {@code CallToolResult}, ...); the dispatch itself is ours because the SDK's stateless server lists a static set
 * of tools without pagination, while Tollgate's list depends on the caller (price and billing mode now) and pages.
 */
public final class McpDispatcher {
    private static final Log LOG = Log.get(McpDispatcher.class);
    static final String INSTRUCTIONS = "Tollgate runs paid AI and tool APIs for you. Each tool is one provider "
            + "operation named {provider}_{operation}; its _meta shows the price and whether it is billed to your own "
            + "provider key (BYOK, 0 credits), to your Tollgate credits, or free. Call tollgate_account (free) to see "
            + "your balance. A failed call returns isError with a Tollgate error code and charges nothing. To retry "
            + "safely, send the same _meta[\"tollgate/idempotency_key\"].";

    private final McpTools tools;
    private final Implementation serverInfo;
    private final McpSettings.Limits limits;

    public McpDispatcher(McpTools tools, String serverVersion) {
        this(tools, serverVersion, McpSettings.Limits.DEFAULTS);
    }

    public McpDispatcher(McpTools tools, String serverVersion, McpSettings.Limits limits) {
        this.tools = tools;
        this.serverInfo = new Implementation("tollgate", "Tollgate", serverVersion);
        this.limits = limits;
    }

    /** Answers one POST body with no deadline (tests, priming). */
    /**
     * The provider a POST body will call: that of a single {@code tools/call} (null for anything else, a batch
     * included), so that authentication reads the account's key pointers for it in the same round trip.
     */
    public String providerCalledBy(JsonNode body) {
        if (body == null || !"tools/call".equals(body.path("method").asText())) {
            return null;
        }
        JsonNode name = body.path("params").path("name");
        return name.isTextual() ? tools.providerOf(name.textValue()) : null;
    }

    public McpReply handle(Acting acting, String versionHeader, String body, String requestId) {
        return handle(acting, versionHeader, body, requestId, () -> Long.MAX_VALUE);
    }

    /**
     * Answers one POST body.
     *
     * @param versionHeader   the {@code MCP-Protocol-Version} header, or null
     * @param remainingMillis time left before the function is stopped: no tool call after the first starts without
     *                        its operation's timeout plus the reserve of {@link McpSettings.Limits}
     * @throws TollgateException {@code unsupported_protocol_version} (HTTP 400) for a header naming a version
     *                           Tollgate does not speak, on anything but {@code initialize} (whose body negotiates)
     */
    public McpReply handle(Acting acting, String versionHeader, String body, String requestId,
                           LongSupplier remainingMillis) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JsonLimits.readTree(McpJson.MAPPER, body);
        } catch (JsonLimits.Violation e) {
            return new McpReply(400, McpJson.error(null, ErrorCodes.INVALID_REQUEST, "Invalid Request: " + e.getMessage(),
                    Map.of("code", ErrorCode.VALIDATION_FAILED.code(), "pointer", e.pointer(), "request_id", requestId)));
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root == null || root.isMissingNode()) {
            return new McpReply(400, McpJson.error(null, ErrorCodes.PARSE_ERROR, "Parse error: the body is not JSON", null));
        }
        if (!isInitialize(root)) {
            requireSupportedVersion(versionHeader);
        }
        String version = versionHeader == null ? McpProtocol.ASSUMED_WITHOUT_HEADER : versionHeader;
        Calls calls = new Calls(acting, requestId, remainingMillis);
        if (root.isArray()) {
            return batch((ArrayNode) root, version, calls);
        }
        Optional<JsonNode> response = message(root, false, calls);
        if (response.isEmpty()) {
            return McpReply.accepted();
        }
        // An error that belongs to no request (id null) is the HTTP request's failure.
        boolean orphanError = response.get().has("error") && response.get().path("id").isNull();
        return new McpReply(orphanError ? 400 : 200, response.get());
    }

    private static boolean isInitialize(JsonNode root) {
        return root.isObject() && McpSchema.METHOD_INITIALIZE.equals(root.path("method").asText(null));
    }

    private static void requireSupportedVersion(String versionHeader) {
        if (versionHeader != null && !McpProtocol.supports(versionHeader)) {
            throw new TollgateException(ErrorCode.UNSUPPORTED_PROTOCOL_VERSION,
                    "Unsupported MCP-Protocol-Version; this server speaks " + String.join(", ", McpProtocol.SUPPORTED_VERSIONS),
                    Map.of("supported", McpProtocol.SUPPORTED_VERSIONS));
        }
    }

    private McpReply batch(ArrayNode messages, String version, Calls calls) {
        if (!McpProtocol.allowsBatches(version)) {
            return new McpReply(400, McpJson.error(null, ErrorCodes.INVALID_REQUEST,
                    "JSON-RPC batches are not supported in MCP " + version + " (removed in 2025-06-18)", null));
        }
        if (messages.isEmpty()) {
            return new McpReply(400, McpJson.error(null, ErrorCodes.INVALID_REQUEST, "Empty batch", null));
        }
        if (messages.size() > limits.maxBatch()) {
            // Refused whole, before anything runs: answering each excess message would let a 1 MiB body of tiny
            // messages buy a response several times its size.
            String message = "Invalid Request: a batch may hold at most " + limits.maxBatch() + " messages and this one has "
                    + messages.size() + "; send them in several requests";
            return new McpReply(400, McpJson.error(null, ErrorCodes.INVALID_REQUEST, message,
                    errorData(ErrorCode.BATCH_TOO_LARGE, message, calls.requestId, "limit", limits.maxBatch())));
        }
        List<JsonNode> responses = new ArrayList<>();
        for (JsonNode message : messages) {
            message(message, true, calls).ifPresent(responses::add);
        }
        if (responses.isEmpty()) {
            return McpReply.accepted();
        }
        return new McpReply(200, McpJson.MAPPER.createArrayNode().addAll(responses));
    }

    /** The response to one message, or nothing for a notification or a client's response. */
    private Optional<JsonNode> message(JsonNode message, boolean inBatch, Calls calls) {
        if (!message.isObject()) {
            return Optional.of(McpJson.error(null, ErrorCodes.INVALID_REQUEST, "Invalid Request: not a JSON-RPC message", null));
        }
        Object id = idOf(message.get("id"));
        boolean hasId = message.has("id");
        JsonNode method = message.get("method");
        if (!McpSchema.JSONRPC_VERSION.equals(message.path("jsonrpc").asText(null))) {
            return Optional.of(McpJson.error(id, ErrorCodes.INVALID_REQUEST, "Invalid Request: 'jsonrpc' must be \"2.0\"", null));
        }
        if (method == null) {
            if (hasId && (message.has("result") || message.has("error"))) {
                return Optional.empty(); // a response to a server request; this server sends none, so nothing to do
            }
            return Optional.of(McpJson.error(id, ErrorCodes.INVALID_REQUEST, "Invalid Request: 'method' is required", null));
        }
        if (!method.isTextual()) {
            return Optional.of(McpJson.error(id, ErrorCodes.INVALID_REQUEST, "Invalid Request: 'method' must be a string", null));
        }
        if (!hasId) {
            LOG.debug("mcp notification", "method", method.asText());
            return Optional.empty(); // notifications/initialized, notifications/cancelled, ...: nothing to do
        }
        if (id == null) {
            return Optional.of(McpJson.error(null, ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: 'id' must be a string or an integer", null));
        }
        JSONRPCRequest request = new JSONRPCRequest(McpSchema.JSONRPC_VERSION, method.asText(), id, message.get("params"));
        try {
            return Optional.of(McpJson.success(id, dispatch(request, message.get("params"), inBatch, calls)));
        } catch (JsonRpcException e) {
            return Optional.of(McpJson.error(id, e.code(), e.getMessage(), e.data()));
        } catch (TollgateException e) {
            LOG.warn("mcp request failed", "method", request.method(), "code", e.code().code());
            return Optional.of(McpJson.error(id, ErrorCodes.INTERNAL_ERROR, e.getMessage(),
                    Map.of("code", e.code().code(), "request_id", calls.requestId)));
        } catch (RuntimeException e) {
            LOG.error("mcp request failed", e, "method", request.method());
            return Optional.of(McpJson.error(id, ErrorCodes.INTERNAL_ERROR, "Internal error",
                    Map.of("code", ErrorCode.INTERNAL_ERROR.code(), "request_id", calls.requestId)));
        }
    }

    /** MCP ids are strings or integers, never null (JSON-RPC allowed null; MCP does not). */
    private static Object idOf(JsonNode id) {
        if (id == null) {
            return null;
        }
        if (id.isTextual()) {
            return id.asText();
        }
        if (id.isIntegralNumber() && id.canConvertToLong()) {
            return id.canConvertToInt() ? (Object) id.intValue() : (Object) id.longValue();
        }
        return null;
    }

    private Object dispatch(JSONRPCRequest request, JsonNode params, boolean inBatch, Calls calls) {
        if (params != null && !params.isNull() && !params.isObject()) {
            throw JsonRpcException.invalidParams("'params' must be an object");
        }
        LOG.debug("mcp request", "method", request.method());
        return switch (request.method()) {
            case McpSchema.METHOD_INITIALIZE -> initialize(params, inBatch);
            case McpSchema.METHOD_PING -> Map.of();
            case McpSchema.METHOD_TOOLS_LIST -> tools.list(calls.acting,
                    McpJson.params(params, PaginatedRequest.class, request.method()).cursor());
            case McpSchema.METHOD_TOOLS_CALL -> {
                CallToolRequest call = McpJson.params(params, CallToolRequest.class, request.method());
                calls.admit(tools.upstreamOperation(call.name()));
                yield tools.call(calls.acting, call, params == null ? null : params.get("arguments"), calls.nextRequestId());
            }
            default -> throw new JsonRpcException(ErrorCodes.METHOD_NOT_FOUND, "Method not found: " + request.method(), null);
        };
    }

    private InitializeResult initialize(JsonNode params, boolean inBatch) {
        if (inBatch) {
            throw JsonRpcException.invalidRequest("Invalid Request: initialize must not be part of a batch");
        }
        InitializeRequest request = McpJson.params(params, InitializeRequest.class, McpSchema.METHOD_INITIALIZE);
        if (request.protocolVersion() == null || request.protocolVersion().isBlank()) {
            throw JsonRpcException.invalidParams("'protocolVersion' is required");
        }
        return new InitializeResult(McpProtocol.negotiate(request.protocolVersion()),
                ServerCapabilities.builder().tools(false).build(), serverInfo, INSTRUCTIONS);
    }

    /** The {@code data} of a JSON-RPC error: the error object of a call every door answers (ErrorResponses). */
    private static ObjectNode errorData(ErrorCode code, String message, String requestId, String detail, long value) {
        return ErrorResponses.callError(new TollgateException(code, message, Map.of(detail, value)), requestId);
    }

    /**
     * Per POST: the caller, a request id for each tool call (the HTTP request's for the first), and what the POST has
     * used of its limits.
     */
    private final class Calls {
        private final Acting acting;
        private final String requestId;
        private final LongSupplier remainingMillis;
        private int used;
        private int upstreamCalls;
        private int paidCalls;

        Calls(Acting acting, String requestId, LongSupplier remainingMillis) {
            this.acting = acting;
            this.requestId = requestId;
            this.remainingMillis = remainingMillis;
        }

        String nextRequestId() {
            return used++ == 0 ? requestId : Ids.newId("req");
        }

        /**
         * Lets a call to {@code operation} start, or answers it with a JSON-RPC error: past the paid-call limit, or
         * (after the first call) when the function has less time left than the call may take. Nothing runs for a
         * refused call, so nothing is charged.
         */
        void admit(Optional<Operation> operation) {
            if (operation.isEmpty()) {
                return; // the built-in tool or an unknown name: no upstream call
            }
            if (!operation.get().isFree() && ++paidCalls > limits.maxPaidCalls()) {
                throw refused(ErrorCode.PAID_CALL_LIMIT_EXCEEDED, "Not run: one request may make at most "
                        + limits.maxPaidCalls() + " calls to tools that are not free; send this one in another request",
                        "limit", limits.maxPaidCalls());
            }
            long needed = operation.get().timeout().toMillis() + limits.callReserveMillis();
            if (upstreamCalls > 0 && remainingMillis.getAsLong() < needed) {
                throw refused(ErrorCode.TIME_BUDGET_EXHAUSTED, "Not run: too little of this request's time is left for "
                        + "another call (it may take " + needed + " ms); send it again in a new request", "needed_ms", needed);
            }
            upstreamCalls++;
        }

        private JsonRpcException refused(ErrorCode code, String message, String detail, long value) {
            return new JsonRpcException(McpEndpoint.TRANSPORT_ERROR, message,
                    errorData(code, message, requestId, detail, value));
        }
    }
}
