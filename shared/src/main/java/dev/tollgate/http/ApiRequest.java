package dev.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.json.JsonLimits;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/** An API Gateway HTTP API (payload v2) request, decoded once, with typed accessors that fail with clear errors. */
public final class ApiRequest {
    /** Largest request body accepted (SPEC §9.4). */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing that could bend a URL. */
    private static final Pattern PLAIN_HOST =
            Pattern.compile("^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}])(?::[0-9]{1,5})?$");
    /** Longest query parameter (name or value) accepted: a list cursor is well under it. */
    public static final int MAX_QUERY_VALUE_LENGTH = 1024;
    static final int MAX_QUERY_PARAMETERS = 20;
    private static final LongSupplier NO_DEADLINE = () -> Long.MAX_VALUE;

    private final String requestId;
    private final String method;
    private final String path;
    private final String routeKey;
    private final Map<String, String> headers;
    private final Map<String, String> pathParameters;
    private final Map<String, String> query;
    private final String body;
    private final String iamCaller;
    private final String stage;
    private final String domainName;
    private final LongSupplier remainingMillis;
    private JsonNode parsedBody;
    private boolean peeked;

    private ApiRequest(String requestId, String method, String path, String routeKey, Map<String, String> headers,
                       Map<String, String> pathParameters, Map<String, String> query, String body, String iamCaller,
                       String stage, String domainName, LongSupplier remainingMillis) {
        this.requestId = requestId;
        this.method = method;
        this.path = path;
        this.routeKey = routeKey;
        this.headers = headers;
        this.pathParameters = pathParameters;
        this.query = query;
        this.body = body;
        this.iamCaller = iamCaller;
        this.stage = stage;
        this.domainName = domainName;
        this.remainingMillis = remainingMillis;
    }

    public static ApiRequest from(APIGatewayV2HTTPEvent event, String requestId) {
        return from(event, requestId, null);
    }

    /** @param remainingMillis time left before the function is stopped, or null when unknown (no deadline) */
    public static ApiRequest from(APIGatewayV2HTTPEvent event, String requestId, LongSupplier remainingMillis) {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        String method = http != null && http.getMethod() != null ? http.getMethod().toUpperCase(Locale.ROOT) : "GET";
        String path = event.getRawPath() != null ? event.getRawPath() : (http != null ? http.getPath() : "/");
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (event.getHeaders() != null) {
            headers.putAll(event.getHeaders());
        }
        String body = decodeBody(event.getBody(), event.getIsBase64Encoded());
        var authorizer = event.getRequestContext() == null ? null : event.getRequestContext().getAuthorizer();
        String iam = authorizer == null || authorizer.getIam() == null ? null
                : String.valueOf(authorizer.getIam().getUserArn() != null ? authorizer.getIam().getUserArn()
                        : authorizer.getIam().getCallerId());
        Map<String, String> query = event.getQueryStringParameters() == null ? Map.of()
                : Map.copyOf(event.getQueryStringParameters());
        checkQuery(query);
        return new ApiRequest(requestId, method, path, event.getRouteKey() == null ? "$default" : event.getRouteKey(), headers,
                event.getPathParameters() == null ? Map.of() : Map.copyOf(event.getPathParameters()),
                query, body, iam, event.getRequestContext() == null ? null : event.getRequestContext().getStage(),
                event.getRequestContext() == null ? null : event.getRequestContext().getDomainName(),
                remainingMillis == null ? NO_DEADLINE : remainingMillis);
    }

    /** No parameter of any route is longer than a cursor; a longer value is refused before anything reads it. */
    private static void checkQuery(Map<String, String> query) {
        if (query.size() > MAX_QUERY_PARAMETERS) {
            throw new TollgateException(ErrorCode.VALIDATION_FAILED,
                    "At most " + MAX_QUERY_PARAMETERS + " query parameters are accepted", Map.of("pointer", ""));
        }
        query.forEach((name, value) -> {
            if (name.length() > MAX_QUERY_VALUE_LENGTH || value.length() > MAX_QUERY_VALUE_LENGTH) {
                throw new TollgateException(ErrorCode.VALIDATION_FAILED,
                        "Query parameters may be at most " + MAX_QUERY_VALUE_LENGTH + " characters",
                        Map.of("pointer", name.length() > MAX_QUERY_VALUE_LENGTH ? "" : "/" + name));
            }
        });
    }

    private static String decodeBody(String raw, boolean base64) {
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        // Checked before decoding so a huge body costs nothing more than its length.
        if ((base64 ? (long) raw.length() * 3 / 4 : raw.length()) > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        String decoded;
        try {
            decoded = base64 ? new String(Base64.getDecoder().decode(raw), StandardCharsets.UTF_8) : raw;
        } catch (IllegalArgumentException notBase64) {
            throw new TollgateException(ErrorCode.INVALID_JSON, "Request body is not valid base64");
        }
        if (decoded.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw tooLarge();
        }
        return decoded;
    }

    private static TollgateException tooLarge() {
        return new TollgateException(ErrorCode.PAYLOAD_TOO_LARGE,
                "Request body exceeds the 1 MiB limit", Map.of("limit_bytes", MAX_BODY_BYTES));
    }

    public String requestId() {
        return requestId;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String routeKey() {
        return routeKey;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name)).filter(v -> !v.isBlank());
    }

    public Map<String, String> headers() {
        return headers;
    }

    /**
     * A path parameter: an object id ({@code acct_…}, {@code byok_…}) or a catalog id ({@code openai}). Anything
     * that cannot be one (too long, {@code ..}, control or other characters outside {@code [A-Za-z0-9_-]}) names no
     * object, so it is {@code 404} here, before any lookup (a 3,000-character id would otherwise exceed DynamoDB's
     * key size and fail as a 500).
     */
    public String pathParameter(String name) {
        String value = pathParameters.get(name);
        if (value == null || !Ids.isIdShaped(value)) {
            throw TollgateException.notFound("Resource");
        }
        return value;
    }

    /** Milliseconds left before the function is stopped; {@link Long#MAX_VALUE} when there is no deadline. */
    public long remainingMillis() {
        return remainingMillis.getAsLong();
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name)).filter(v -> !v.isEmpty());
    }

    public String body() {
        return body;
    }

    /**
     * The URL the client called this API at — scheme, host (and port) and, on a named stage, the stage path — for
     * links a response hands out (the A2A agent card's {@code url}). Read from what API Gateway (or the local runner)
     * forwards: {@code X-Forwarded-Proto}, {@code Host}, {@code requestContext.stage}. A {@code Host} that is not a
     * plain host name or address with an optional port is not trusted; the request context's domain name is used.
     */
    public String baseUrl() {
        String scheme = header("x-forwarded-proto").map(p -> p.split(",")[0].trim().toLowerCase(Locale.ROOT))
                .filter(p -> p.equals("http") || p.equals("https")).orElse("https");
        String host = header("host").map(String::trim).filter(h -> PLAIN_HOST.matcher(h).matches())
                .orElse(domainName != null && PLAIN_HOST.matcher(domainName).matches() ? domainName : "localhost");
        boolean defaultPort = scheme.equals("https") ? host.endsWith(":443") : host.endsWith(":80");
        if (defaultPort) {
            host = host.substring(0, host.lastIndexOf(':'));
        }
        String stagePath = stage == null || stage.isEmpty() || stage.equals("$default") ? "" : "/" + stage;
        return scheme + "://" + host + stagePath;
    }

    /** The IAM principal API Gateway authorized with SigV4 (admin routes' AWS_IAM authorizer), if any. */
    public Optional<String> iamCaller() {
        return Optional.ofNullable(iamCaller);
    }

    /**
     * The body as a JSON object. Missing body, a non-JSON content type, malformed JSON or a non-object each get
     * their own error; the message gives the position of a syntax error but never echoes the body.
     */
    public JsonNode jsonBody() {
        requireJsonIfTyped();
        if (parsedBody != null) {
            return parsedBody;
        }
        if (body.isBlank()) {
            throw new TollgateException(ErrorCode.INVALID_JSON, "Request body is empty; a JSON object is required");
        }
        JsonNode node;
        try {
            node = Json.read(body);
        } catch (JsonLimits.Violation e) {
            throw TollgateException.validation(e.pointer(), e.getMessage());
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw new TollgateException(ErrorCode.INVALID_JSON, "Request body is not valid JSON" + where);
        }
        if (node == null || !node.isObject()) {
            throw new TollgateException(ErrorCode.INVALID_JSON, "Request body must be a JSON object");
        }
        parsedBody = node;
        return node;
    }

    /** A body sent with a {@code Content-Type} must be sent as JSON ({@code 415 unsupported_media_type}). */
    public void requireJsonIfTyped() {
        header("content-type").ifPresent(type -> {
            if (!MediaTypes.isUtf8Json(type)) {
                throw new TollgateException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "Send the request body as UTF-8 JSON with 'Content-Type: application/json'");
            }
        });
    }

    /**
     * The body as a JSON object when it is one, without failing (a malformed body is the endpoint's error to report).
     * The parsed tree is kept, so the endpoint's {@link #jsonBody()} does not parse the same body again.
     */
    public Optional<JsonNode> jsonObjectIfAny() {
        if (parsedBody == null && !peeked) {
            peeked = true;
            if (!body.isBlank() && body.stripLeading().charAt(0) == '{') {
                try {
                    JsonNode node = Json.read(body);
                    if (node != null && node.isObject()) {
                        parsedBody = node;
                    }
                } catch (JsonProcessingException malformed) {
                    // jsonBody() reports it, with its position, if the endpoint needs a body.
                }
            }
        }
        return Optional.ofNullable(parsedBody);
    }


    /** The body as a JSON object, or an empty object when there is no body (for routes whose body is optional). */
    public JsonNode jsonBodyOrEmpty() {
        return body.isBlank() ? Json.object() : jsonBody();
    }
}
