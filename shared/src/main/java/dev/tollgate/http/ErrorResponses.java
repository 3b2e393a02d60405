package dev.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
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
        ApiResponse response = ApiResponse.json(e.status(), Map.of("error", error));
        if (e.code() == ErrorCode.UNAUTHORIZED) {
            response = response.withHeader("WWW-Authenticate", "Bearer realm=\"tollgate\"");
        }
        for (Map.Entry<String, String> header : e.headers().entrySet()) {
            response = response.withHeader(header.getKey(), header.getValue());
        }
        return response;
    }

    /** What a caller is told about a failure of ours: no detail of it, only the request id to quote. */
    public static TollgateException internalError() {
        return new TollgateException(ErrorCode.INTERNAL_ERROR,
                "Something went wrong on our side; nothing was charged. Retry with the same Idempotency-Key, "
                        + "or contact support with the request id");
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
