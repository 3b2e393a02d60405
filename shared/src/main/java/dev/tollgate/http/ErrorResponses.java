package dev.tollgate.http;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one place where failures become HTTP: {@code {"error": {"code", "message", "request_id", ...details}}}. */
public final class ErrorResponses {
    /** The message of a 500 whose effect on the balance is not known here (also used by /mcp). */
    public static final String INTERNAL_MESSAGE = "Something went wrong on our side. If the request moved credits, "
            + "GET /api/v1/ledger shows it under this request id; retry with the same Idempotency-Key (never charged "
            + "twice), or contact support with the request id";

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

    /**
     * A failure nothing more is known about. It does not say "nothing was charged": only the execution engine knows
     * that, and says so in its own errors when the ledger shows it.
     */
    public static ApiResponse internal(String requestId) {
        return from(new TollgateException(ErrorCode.INTERNAL_ERROR, INTERNAL_MESSAGE), requestId);
    }

}
