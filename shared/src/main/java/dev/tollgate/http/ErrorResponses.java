package dev.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where failures become HTTP: {@code {"error": {"code", "message", "request_id", ...details}}} — and
 * the same error object for the doors that answer a failed call inside a successful HTTP response (an MCP
 * {@code isError} result, a failed A2A task, a tool message of {@code POST /api/v1/tool-calls}).
 */
public final class ErrorResponses {
    /** JSON-RPC's "server error" code, answered by the JSON-RPC doors for a request refused at the HTTP level. */
    public static final int JSON_RPC_TRANSPORT_ERROR = -32000;
    /** The message of a 500 whose effect on the balance is not known here (also used by /mcp). */
    public static final String INTERNAL_MESSAGE = "Something went wrong on our side. If the request moved credits, "
            + "GET /api/v1/ledger shows it under this request id; retry with the same Idempotency-Key (never charged "
            + "twice), or contact support with the request id";

    private ErrorResponses() {
    }

    public static ApiResponse from(TollgateException e, String requestId) {
        return withErrorHeaders(ApiResponse.json(e.status(), Map.of("error", fields(e, requestId))), e);
    }

    /**
     * A request to a JSON-RPC door ({@code /mcp}, {@code /a2a}) refused before any JSON-RPC was read (token, size,
     * media type): the HTTP status, and a JSON-RPC error ({@code id: null}, {@value #JSON_RPC_TRANSPORT_ERROR})
     * whose {@code data} is the usual error object, so clients can parse it and people see the same stable codes.
     */
    public static ApiResponse jsonRpcRejection(TollgateException e, String requestId) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", JSON_RPC_TRANSPORT_ERROR);
        error.put("message", e.getMessage());
        error.put("data", fields(e, requestId));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", "2.0");
        body.put("id", null);
        body.put("error", error);
        return withErrorHeaders(ApiResponse.json(e.status(), body), e);
    }

    /** Extra response headers every error of this code carries, whatever the body's shape. */
    public static ApiResponse withErrorHeaders(ApiResponse response, TollgateException e) {
        if (e.code() == ErrorCode.UNAUTHORIZED) {
            response = response.withHeader("WWW-Authenticate", "Bearer realm=\"tollgate\"");
        }
        for (Map.Entry<String, String> header : e.headers().entrySet()) {
            response = response.withHeader(header.getKey(), header.getValue());
        }
        return response;
    }

    /**
     * What a caller is told about a failure of ours: no detail of it, only the request id to quote. It does not say
     * "nothing was charged": only the execution engine knows that, and says so in its own errors when the ledger
     * shows it.
     */
    public static TollgateException internalError() {
        return new TollgateException(ErrorCode.INTERNAL_ERROR, INTERNAL_MESSAGE);
    }

    /**
     * The error object of one call answered inside a 200: the envelope's fields plus the HTTP {@code status} REST
     * would have answered and, on a provider's 429, its {@code retry_after}.
     */
    public static ObjectNode callError(TollgateException e, String requestId) {
        ObjectNode error = Json.object();
        error.put("code", e.code().code());
        error.put("message", e.getMessage());
        error.put("status", e.status());
        error.put("request_id", requestId);
        e.details().forEach((key, value) -> {
            if (!error.has(key)) {
                error.set(key, Json.MAPPER.valueToTree(value));
            }
        });
        String retryAfter = e.headers().get("Retry-After");
        if (retryAfter != null) {
            error.put("retry_after", retryAfter);
        }
        return error;
    }

    /**
     * The one line a person reads for a call error of a protocol door (an MCP tool result's text, an A2A task's status
     * message): the stable code, the HTTP status REST would have answered and the message.
     */
    public static String callErrorText(JsonNode error, int status) {
        return "Tollgate error " + error.path("code").asText() + " (HTTP " + status + "): "
                + error.path("message").asText();
    }

    private static Map<String, Object> fields(TollgateException e, String requestId) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code().code());
        error.put("message", e.getMessage());
        error.put("request_id", requestId);
        e.details().forEach(error::putIfAbsent);
        return error;
    }

    /**
     * The 500 envelope built without Jackson, for when even rendering an error failed (an exhausted heap). Request ids
     * are {@code req_} and base62, so they need no escaping.
     */
    static APIGatewayV2HTTPResponse lastResort(String requestId) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(500)
                .withHeaders(Map.of("Content-Type", "application/json", "X-Request-Id", requestId))
                .withBody("{\"error\":{\"code\":\"internal_error\",\"message\":\"Something went wrong on our side\","
                        + "\"request_id\":\"" + requestId + "\"}}")
                .withIsBase64Encoded(false)
                .build();
    }

}
