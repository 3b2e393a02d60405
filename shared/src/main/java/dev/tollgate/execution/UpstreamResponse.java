package dev.tollgate.execution;

import dev.tollgate.log.SecretRedactor;
import java.util.HashMap;
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

    /** This response with every echo of the secrets in play removed from its body and header values. */
    public UpstreamResponse redacted(SecretRedactor secrets) {
        if (secrets.isEmpty()) {
            return this;
        }
        byte[] cleanBody = secrets.redact(body);
        Map<String, String> cleanHeaders = headers;
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String value = secrets.redact(header.getValue());
            if (value != header.getValue()) {
                if (cleanHeaders == headers) {
                    cleanHeaders = new HashMap<>(headers);
                }
                cleanHeaders.put(header.getKey(), value);
            }
        }
        return cleanBody == body && cleanHeaders == headers ? this
                : new UpstreamResponse(status, cleanHeaders, cleanBody, elapsedMs);
    }
}
