package dev.tollgate.domain;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A failure the caller should see: a stable {@link ErrorCode}, a human sentence, and optional details that are
 * merged into the error envelope (for example {@code required}/{@code available} on 402). Messages and details
 * must never contain a secret: callers build them from ids and catalog facts only.
 */
public class TollgateException extends RuntimeException {
    private final ErrorCode code;
    private final Map<String, Object> details;
    private final Map<String, String> headers;

    public TollgateException(ErrorCode code, String message) {
        this(code, message, Map.of(), Map.of());
    }

    public TollgateException(ErrorCode code, String message, Map<String, Object> details) {
        this(code, message, details, Map.of());
    }

    public TollgateException(ErrorCode code, String message, Map<String, Object> details, Map<String, String> headers) {
        super(message, null, false, false);
        this.code = code;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        this.headers = Map.copyOf(headers);
    }

    public ErrorCode code() {
        return code;
    }

    public int status() {
        return code.status();
    }

    public Map<String, Object> details() {
        return details;
    }

    /** Extra response headers, e.g. Retry-After on 429. */
    public Map<String, String> headers() {
        return headers;
    }

    public static TollgateException notFound(String what) {
        return new TollgateException(ErrorCode.NOT_FOUND, what + " not found");
    }

    public static TollgateException validation(String pointer, String message) {
        return new TollgateException(ErrorCode.VALIDATION_FAILED, message, Map.of("pointer", pointer));
    }

    public static TollgateException unauthorized() {
        return new TollgateException(ErrorCode.UNAUTHORIZED,
                "A valid Tollgate API key is required: send it as 'Authorization: Bearer tg_...'");
    }
}
