package dev.tollgate.execution;

import java.util.Locale;
import java.util.Map;

/** A provider's answer: status, headers (lower-case names, first value), and the body (at most 5 MB). */
public record UpstreamResponse(int status, Map<String, String> headers, byte[] body, long elapsedMs) {

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public String contentType() {
        String type = header("content-type");
        return type == null ? "application/octet-stream" : type;
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }
}
