package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.ErrorResponses;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failures on {@code /v1} in OpenAI's error shape, {@code {"error": {"message", "type", "param", "code"}}}, with
 * Tollgate's stable code in {@code code} and its details ({@code request_id}, {@code required}, {@code provider_status},
 * …) alongside, so OpenAI SDKs raise their usual exception for the status and the code still says what happened.
 */
public final class OpenAiErrors {
    private OpenAiErrors() {
    }

    public static ApiResponse from(TollgateException e, String requestId) {
        return ErrorResponses.withErrorHeaders(ApiResponse.json(e.status(), Map.of("error", error(e, requestId))), e);
    }

    static Map<String, Object> error(TollgateException e, String requestId) {
        Map<String, Object> error = shape(e.getMessage(), e.status(), param(e.details().get("pointer")),
                e.code().code(), requestId);
        e.details().forEach(error::putIfAbsent);
        return error;
    }

    /** A failure stored in Tollgate's envelope (an idempotent replay), in the same shape. */
    static Map<String, Object> stored(int status, JsonNode tollgateError) {
        return shape(tollgateError.path("message").asText(), status, null, tollgateError.path("code").asText(),
                tollgateError.path("request_id").asText(null));
    }

    private static Map<String, Object> shape(String message, int status, String param, String code, String requestId) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type(status));
        error.put("param", param);
        error.put("code", code);
        error.put("request_id", requestId);
        return error;
    }

    /** OpenAI's error types by HTTP status. */
    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 402 -> "insufficient_quota";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** A JSON pointer ({@code /messages/0/role}) as OpenAI names a parameter ({@code messages.0.role}). */
    private static String param(Object pointer) {
        if (!(pointer instanceof String p) || p.length() < 2) {
            return null;
        }
        return p.substring(1).replace('/', '.');
    }
}
