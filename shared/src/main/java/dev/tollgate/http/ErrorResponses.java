package dev.tollgate.http;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one place where failures become HTTP: {@code {"error": {"code", "message", "request_id", ...details}}}. */
public final class ErrorResponses {
    private ErrorResponses() {
    }

    public static ApiResponse from(TollgateException e, String requestId) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", e.code().code());
        error.put("message", e.getMessage());
        error.put("request_id", requestId);
        e.details().forEach(error::putIfAbsent);
        return withErrorHeaders(ApiResponse.json(e.status(), Map.of("error", error)), e);
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

    /** What a bug looks like to the caller. */
    public static TollgateException internalError() {
        return new TollgateException(ErrorCode.INTERNAL_ERROR,
                "Something went wrong on our side; nothing was charged. Retry with the same Idempotency-Key, "
                        + "or contact support with the request id");
    }
}
