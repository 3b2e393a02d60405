package dev.tollgate.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.ErrorResponses;
import dev.tollgate.http.MediaTypes;
import dev.tollgate.json.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * {@code /mcp} over HTTP (MCP Streamable HTTP transport, stateless, JSON responses only). Transport rules come
 * first, in this order, each with its own status: {@code Origin} outside the allow-list → 403; bearer token
 * missing/invalid → 401 with {@code WWW-Authenticate: Bearer}; {@code Accept} not allowing
 * {@code application/json} → 406; body not sent as JSON → 415; unsupported {@code MCP-Protocol-Version} → 400.
 * Then the JSON-RPC body goes to the {@link McpDispatcher}. {@code GET} (an SSE stream) and {@code DELETE} (ending a
 * session) → 405: there are no streams and no sessions.
 *
 * <p>A rejected HTTP request is answered with a JSON-RPC error object ({@code id: null}, code
 * {@value #TRANSPORT_ERROR}) whose {@code data} is the usual Tollgate error ({@code code}, {@code message},
 * {@code request_id}, details), so MCP clients can parse it and people see the same stable codes as over REST.
 */
public final class McpEndpoint {
    /** JSON-RPC "server error" range; what MCP SDK servers answer for transport-level rejections. */
    static final int TRANSPORT_ERROR = ErrorResponses.JSON_RPC_TRANSPORT_ERROR;

    private final McpSettings settings;
    private final BiFunction<ApiRequest, String, Acting> gate;
    private final McpDispatcher dispatcher;

    /**
     * @param gate authenticates the bearer token and resolves the acting account, reading the key pointers of the
     *             provider it is given in the same round trip (CustomerGate::enter)
     */
    public McpEndpoint(McpSettings settings, BiFunction<ApiRequest, String, Acting> gate, McpDispatcher dispatcher) {
        this.settings = settings;
        this.gate = gate;
        this.dispatcher = dispatcher;
    }

    /** {@code POST /mcp}. */
    public ApiResponse post(ApiRequest request) {
        try {
            checkOrigin(request);
            Acting acting = gate.apply(request,
                    dispatcher.providerCalledBy(request.jsonObjectIfAny().orElse(null)));
            checkAccept(request);
            checkContentType(request);
            McpReply reply = dispatcher.handle(acting, request.header(McpProtocol.VERSION_HEADER).orElse(null),
                    request.body(), request.requestId(), request::remainingMillis);
            if (reply.body() == null) {
                return new ApiResponse(202, Map.of(), null);
            }
            return ApiResponse.json(reply.status(), reply.body());
        } catch (TollgateException e) {
            return rejection(e, request.requestId());
        }
    }

    /** {@code GET /mcp} and {@code DELETE /mcp}. */
    public ApiResponse methodNotAllowed(ApiRequest request) {
        TollgateException e = new TollgateException(ErrorCode.METHOD_NOT_ALLOWED,
                "Method " + request.method() + " is not allowed on /mcp: this MCP server is stateless and answers POST "
                        + "with JSON (no SSE stream, no session to delete)",
                Map.of("allowed", List.of("POST")));
        return rejection(e, request.requestId()).withHeader("Allow", "POST");
    }

    /**
     * DNS-rebinding protection: a browser always sends {@code Origin} on a cross-site POST, so a page on another
     * origin cannot drive a local or intranet Tollgate through the user's browser. Non-browser clients send none.
     */
    private void checkOrigin(ApiRequest request) {
        request.header("origin").ifPresent(origin -> {
            if (!settings.originAllowed(origin)) {
                throw new TollgateException(ErrorCode.ORIGIN_NOT_ALLOWED,
                        "Origin is not allowed to call this MCP endpoint (TOLLGATE_MCP_ALLOWED_ORIGINS)");
            }
        });
    }

    /** Clients send {@code Accept: application/json, text/event-stream}; Tollgate answers JSON, so JSON must be allowed. */
    private static void checkAccept(ApiRequest request) {
        var accept = request.header("accept");
        if (accept.isEmpty()) {
            return;
        }
        for (String range : accept.get().split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            if ((type.equals("application/json") || type.equals("application/*") || type.equals("*/*"))
                    && !zeroQuality(parts)) {
                return;
            }
        }
        throw new TollgateException(ErrorCode.NOT_ACCEPTABLE,
                "This MCP endpoint answers with application/json; send 'Accept: application/json, text/event-stream'");
    }

    private static boolean zeroQuality(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(Locale.ROOT);
            if (parameter.startsWith("q=")) {
                try {
                    return Double.parseDouble(parameter.substring(2).trim()) <= 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private static void checkContentType(ApiRequest request) {
        if (!MediaTypes.isUtf8Json(request.header("content-type").orElse(null))) {
            throw new TollgateException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Send JSON-RPC messages as UTF-8 with 'Content-Type: application/json'");
        }
    }

    /** A failure of the HTTP request as a JSON-RPC error; also the MCP function's {@code Router.ErrorRenderer}. */
    public static ApiResponse rejection(TollgateException e, String requestId) {
        return ErrorResponses.jsonRpcRejection(e, requestId);
    }
}
