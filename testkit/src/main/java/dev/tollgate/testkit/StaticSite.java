package dev.tollgate.testkit;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The local stand-in for the CloudFront distribution in front of the console's S3 bucket: serves the files of one
 * directory under one path prefix ({@code /console/}) on the API's own origin, with the same response headers
 * (Content-Security-Policy and friends) as the distribution. GET and HEAD only; {@code /console} redirects to
 * {@code /console/}, which is {@code index.html}; anything outside the directory, hidden or missing is 404.
 */
public record StaticSite(String prefix, Path root, Map<String, String> headers) {
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json",
            "ico", "image/x-icon",
            "txt", "text/plain; charset=utf-8");

    public StaticSite {
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("prefix must start and end with '/': " + prefix);
        }
        root = root.toAbsolutePath().normalize();
        headers = Map.copyOf(headers);
    }

    /**
     * Whether {@code rawPath} belongs to the site: the prefix, with or without its trailing slash, and no dot segment.
     * A path such as {@code /console/../api/v1/key} names no file of the site; it is left to the API's routes, whose
     * default route answers it in the API's error envelope.
     */
    public boolean owns(String rawPath) {
        return (rawPath.startsWith(prefix) || rawPath.equals(prefix.substring(0, prefix.length() - 1)))
                && !hasDotSegment(rawPath);
    }

    private static boolean hasDotSegment(String rawPath) {
        for (String segment : rawPath.split("/")) {
            String decoded = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Answers the request; returns the status sent. */
    public int serve(HttpExchange exchange, String method) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("allow", "GET, HEAD");
            return send(exchange, method, 405, "text/plain; charset=utf-8", "Method Not Allowed".getBytes(StandardCharsets.UTF_8));
        }
        if (!rawPath.startsWith(prefix)) {
            exchange.getResponseHeaders().set("location", prefix);
            return send(exchange, method, 301, null, new byte[0]);
        }
        Path file = resolve(rawPath.substring(prefix.length()));
        if (file == null) {
            return send(exchange, method, 404, "text/plain; charset=utf-8", "Not Found".getBytes(StandardCharsets.UTF_8));
        }
        headers.forEach(exchange.getResponseHeaders()::set);
        exchange.getResponseHeaders().set("cache-control", "no-cache");
        String name = file.getFileName().toString();
        String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT),
                "application/octet-stream");
        return send(exchange, method, 200, type, Files.readAllBytes(file));
    }

    /** The file for a path below the prefix, or null when it is missing, hidden or would leave the root. */
    Path resolve(String relativeRawPath) {
        String relative;
        try {
            relative = URLDecoder.decode(relativeRawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
        if (relative.isEmpty() || relative.endsWith("/")) {
            relative = relative + "index.html";
        }
        if (relative.contains("\\") || relative.contains("\0")) {
            return null;
        }
        for (String segment : relative.split("/")) {
            if (segment.isEmpty() || segment.startsWith(".")) {
                return null;
            }
        }
        Path file = root.resolve(relative).normalize();
        return file.startsWith(root) && Files.isRegularFile(file) ? file : null;
    }

    private static int send(HttpExchange exchange, String method, int status, String type, byte[] body)
            throws IOException {
        if (type != null) {
            exchange.getResponseHeaders().set("content-type", type);
        }
        exchange.getResponseHeaders().set("x-content-type-options", "nosniff");
        boolean noBody = method.equals("HEAD") || body.length == 0;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        return status;
    }
}
