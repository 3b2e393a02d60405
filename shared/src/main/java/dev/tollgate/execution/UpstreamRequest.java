package dev.tollgate.execution;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One HTTP request to a provider, built from the catalog. It carries the secret in a header or the query string, so
 * {@link #toString()} shows only the method, host and path.
 *
 * @param customerHost the host comes from the customer (an Ollama base URL): the SSRF guard applies
 */
public record UpstreamRequest(String method, URI uri, List<Map.Entry<String, String>> headers, byte[] body,
                              Duration timeout, boolean customerHost) {
    public UpstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = List.copyOf(headers);
        Objects.requireNonNull(timeout, "timeout");
    }

    public String header(String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "UpstreamRequest[" + method + " " + uri.getScheme() + "://" + uri.getHost() + uri.getRawPath() + "]";
    }
}
