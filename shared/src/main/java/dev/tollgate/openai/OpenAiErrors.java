package dev.tollgate.openai;

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
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", e.getMessage());
        error.put("type", type(e.status()));
        error.put("param", param(e.details().get("pointer")));
        error.put("code", e.code().code());
        error.put("request_id", requestId);
        e.details().forEach(error::putIfAbsent);
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
