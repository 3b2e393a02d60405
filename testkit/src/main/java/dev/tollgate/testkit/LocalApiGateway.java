package dev.tollgate.testkit;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An in-process stand-in for an API Gateway HTTP API: receives HTTP on a local port, picks the
 * route as API Gateway does (see {@link RouteMatcher}), hands the function a payload v2 event shaped
 * like API Gateway's and turns its response back into HTTP.
 *
 * <p>What it mimics: {@code 404 {"message":"Not Found"}} when no route (and no {@code $default})
 * matches; {@code 403 {"message":"Forbidden"}} on an {@code AWS_IAM} route without the IAM stand-in;
 * {@code 500 {"message":"Internal Server Error"}} when the function throws or returns no valid status;
 * {@code 413} above {@link Options#maxBodyBytes()} (API Gateway's own limit is 10 MB). Header names
 * are lower-cased and repeated headers comma-joined, the {@code cookie} header becomes
 * {@code cookies}, bodies that are not text or JSON are base64-encoded with {@code isBase64Encoded}.
 * Responses: {@code headers}, {@code multiValueHeaders}, {@code cookies} (as {@code set-cookie}) and
 * the body, base64-decoded when flagged; no body for {@code HEAD}, 204 and 304.
 *
 * <p>IAM: there is no SigV4 locally. If {@link Options#withIamHeader} names a header, a request to
 * an {@code AWS_IAM} route that carries it (with a value the predicate accepts) gets a fixed local
 * identity in {@code requestContext.authorizer.iam}; the header itself is not passed on.
 *
 * <p>Invokers are called concurrently from a fixed pool of {@link Options#threads()} threads.
 */
public final class LocalApiGateway implements AutoCloseable {
    /** The identity put in {@code requestContext.authorizer.iam} for the IAM stand-in. */
    public static final String LOCAL_ACCOUNT_ID = "000000000000";
    public static final String LOCAL_USER_ARN = "arn:aws:iam::" + LOCAL_ACCOUNT_ID + ":user/tollgate-local-operator";

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Connections the kernel may hold until the server accepts them. The JDK server accepts one per turn of its
     * dispatcher; past the backlog a burst of connections is dropped and retried by the kernel, and reset once those
     * retries run out (1,000 clients at once, as OverdraftAtScaleIT opens, on a busy machine). Linux caps it at
     * net.core.somaxconn.
     */
    private static final int ACCEPT_BACKLOG = 4096;
    private static final Set<String> FRAMING_HEADERS = Set.of("content-length", "transfer-encoding", "connection");

    private final RouteMatcher routes;
    private final Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> invokers;
    private final Map<String, BiConsumer<APIGatewayV2HTTPEvent, OutputStream>> streamingInvokers;
    private final Options options;
    private final HttpServer server;
    private final ExecutorService executor;
    private final String host;

    /** Starts serving on {@code host:port} (port 0 picks a free one) with {@link Options#defaults()}. */
    public LocalApiGateway(List<FunctionSpec> functions,
                           Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> invokers,
                           String host, int port) {
        this(functions, invokers, host, port, Options.defaults());
    }

    /**
     * Starts serving on {@code host:port} (port 0 picks a free one).
     *
     * @param invokers function logical id to invoker; every function with routes needs one
     */
    public LocalApiGateway(List<FunctionSpec> functions,
                           Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> invokers,
                           String host, int port, Options options) {
        this(functions, invokers, Map.of(), host, port, options);
    }

    /**
     * Starts serving on {@code host:port}; functions in {@code streamingInvokers} are invoked with a response stream
     * instead, as a Lambda Function URL in {@code RESPONSE_STREAM} mode invokes them: they write Lambda's HTTP
     * integration response format (a JSON prelude with {@code statusCode} and {@code headers}, eight NUL bytes, then
     * the body), and every flush of the body reaches the client at once (chunked transfer encoding).
     *
     * @param invokers          function logical id to invoker; every function with routes needs one
     * @param streamingInvokers function logical id to streaming invoker, preferred over its invoker
     */
    public LocalApiGateway(List<FunctionSpec> functions,
                           Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> invokers,
                           Map<String, BiConsumer<APIGatewayV2HTTPEvent, OutputStream>> streamingInvokers,
                           String host, int port, Options options) {
        this.routes = new RouteMatcher(functions);
        this.invokers = Map.copyOf(invokers);
        this.streamingInvokers = Map.copyOf(streamingInvokers);
        this.options = Objects.requireNonNull(options, "options");
        for (FunctionSpec function : functions) {
            if (!function.routes().isEmpty() && !invokers.containsKey(function.logicalId())) {
                throw new IllegalArgumentException("no invoker for " + function.logicalId() + ", which serves "
                        + function.routes().stream().map(RouteSpec::routeKey).toList());
            }
        }
        this.host = host;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(options.threads(), runnable -> {
            Thread thread = new Thread(runnable, "local-apigw-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            this.server = HttpServer.create(new InetSocketAddress(host, port), ACCEPT_BACKLOG);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://<host>:<port>}; a wildcard host is given as {@code 127.0.0.1}. */
    public URI baseUri() {
        String visible = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return URI.create("http://" + (visible.contains(":") ? "[" + visible + "]" : visible) + ":" + port());
    }

    /** Stops accepting requests, lets running ones finish briefly, and stops the pool. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    // ---- request handling -------------------------------------------------------------------------

    private void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        String requestId = newRequestId();
        String outcome;
        int status;
        try (exchange) {
            if (options.staticSite() != null && options.staticSite().owns(rawPath)) {
                status = options.staticSite().serve(exchange, method);
                log("%s %s %d static %dms", method, rawPath, status, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                return;
            }
            byte[] body = readBody(exchange.getRequestBody(), options.maxBodyBytes());
            Optional<RouteMatcher.Match> match = routes.match(method, rawPath);
            if (body == null) {
                status = 413;
                outcome = "-";
                sendMessage(exchange, method, requestId, status, "Request Entity Too Large");
            } else if (match.isEmpty()) {
                status = 404;
                outcome = "-";
                sendMessage(exchange, method, requestId, status, "Not Found");
            } else if (match.get().route().iamAuth() && !iamStandInPresent(exchange.getRequestHeaders())) {
                status = 403;
                outcome = match.get().route().routeKey() + " (no IAM stand-in)";
                sendMessage(exchange, method, requestId, status, "Forbidden");
            } else {
                RouteMatcher.Match matched = match.get();
                outcome = matched.route().routeKey() + " -> " + matched.functionId();
                APIGatewayV2HTTPEvent event = toEvent(exchange, method, rawPath, body, matched, requestId);
                BiConsumer<APIGatewayV2HTTPEvent, OutputStream> streaming = streamingInvokers.get(matched.functionId());
                if (streaming != null) {
                    status = stream(exchange, method, rawPath, requestId, event, streaming, options.responseCheck());
                    log("%s %s %d %s (streamed) %dms", method, rawPath, status, outcome,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    return;
                }
                APIGatewayV2HTTPResponse response;
                try {
                    response = invokers.get(matched.functionId()).apply(event);
                } catch (RuntimeException | Error e) {
                    response = null;
                    outcome += " threw " + e;
                }
                if (response == null || response.getStatusCode() < 100 || response.getStatusCode() > 599) {
                    if (response != null) {
                        outcome += " returned invalid status " + response.getStatusCode();
                    }
                    status = 500;
                    sendMessage(exchange, method, requestId, status, "Internal Server Error");
                } else {
                    List<String> violations = violations(method, rawPath, response);
                    if (violations.isEmpty()) {
                        status = response.getStatusCode();
                        sendResponse(exchange, method, requestId, response);
                    } else {
                        status = 500;
                        outcome += " breaks the contract " + violations;
                        sendViolations(exchange, requestId, violations);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // The client went away or the response could not be written; there is no one to answer.
            status = -1;
            outcome = "failed: " + e;
        }
        log("%s %s %d %s %dms", method, rawPath, status, outcome, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Invokes a streaming function and relays its response as it is written; returns the status sent. */
    private static int stream(HttpExchange exchange, String method, String rawPath, String requestId,
                              APIGatewayV2HTTPEvent event, BiConsumer<APIGatewayV2HTTPEvent, OutputStream> invoker,
                              ResponseCheck check) throws IOException {
        StreamedResponse out = new StreamedResponse(exchange, method, rawPath, requestId, check);
        try {
            invoker.accept(event, out);
        } catch (RuntimeException | Error e) {
            if (!out.headersSent()) {
                sendMessage(exchange, method, requestId, 500, "Internal Server Error");
                return 500;
            }
        }
        return out.finish();
    }

    /**
     * Decodes Lambda's HTTP integration response stream: buffers the prelude up to its eight-NUL delimiter, sends
     * status and headers, then passes body bytes straight through; {@link #flush()} delivers them.
     */
    private static final class StreamedResponse extends OutputStream {
        private static final int MAX_PRELUDE = 64 * 1024;
        private final HttpExchange exchange;
        private final String method;
        private final String rawPath;
        private final String requestId;
        private final ResponseCheck check;
        private final ByteArrayOutputStream prelude = new ByteArrayOutputStream();
        private int nulRun;
        private OutputStream body;
        private int status = -1;
        /** A JSON response held back until it has been checked. */
        private ByteArrayOutputStream heldForCheck;
        private String contentType;

        StreamedResponse(HttpExchange exchange, String method, String rawPath, String requestId, ResponseCheck check) {
            this.exchange = exchange;
            this.method = method;
            this.rawPath = rawPath;
            this.requestId = requestId;
            this.check = check;
        }

        boolean headersSent() {
            return status > 0;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            int i = offset;
            int end = offset + length;
            while (body == null && i < end) {
                byte b = bytes[i++];
                nulRun = b == 0 ? nulRun + 1 : 0;
                prelude.write(b);
                if (nulRun == 8) {
                    sendPrelude();
                } else if (prelude.size() > MAX_PRELUDE) {
                    throw new IOException("response stream prelude larger than " + MAX_PRELUDE + " bytes");
                }
            }
            if (body != null && i < end) {
                body.write(bytes, i, end - i);
            }
        }

        @Override
        public void flush() throws IOException {
            if (body != null) {
                body.flush();
            }
        }

        private void sendPrelude() throws IOException {
            byte[] json = java.util.Arrays.copyOf(prelude.toByteArray(), prelude.size() - 8);
            JsonNode head = JSON.readTree(json);
            status = head.path("statusCode").asInt(200);
            Headers out = exchange.getResponseHeaders();
            head.path("headers").properties().forEach(h -> {
                if (!FRAMING_HEADERS.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                    out.set(h.getKey(), h.getValue().asText());
                }
            });
            head.path("cookies").forEach(cookie -> out.add("set-cookie", cookie.asText()));
            out.set("apigw-requestid", requestId);
            contentType = out.getFirst("content-type");
            if (check != null) {
                boolean jsonBody = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
                if (jsonBody) {
                    heldForCheck = new ByteArrayOutputStream();
                    body = heldForCheck;
                    return;
                }
                List<String> violations = check.violations(method, rawPath, status, contentType, "");
                if (!violations.isEmpty()) {
                    sendViolations(exchange, requestId, violations);
                    status = 500;
                    body = OutputStream.nullOutputStream();
                    return;
                }
            }
            boolean noBody = method.equals("HEAD") || status == 204 || status == 304;
            exchange.sendResponseHeaders(status, noBody ? -1 : 0);
            body = noBody ? OutputStream.nullOutputStream() : exchange.getResponseBody();
        }

        /** Ends the response; a function that wrote no prelude gets API Gateway's 500. */
        int finish() throws IOException {
            if (body == null) {
                sendMessage(exchange, method, requestId, 500, "Internal Server Error");
                return 500;
            }
            if (heldForCheck != null) {
                byte[] held = heldForCheck.toByteArray();
                List<String> violations = check.violations(method, rawPath, status, contentType,
                        new String(held, StandardCharsets.UTF_8));
                if (!violations.isEmpty()) {
                    sendViolations(exchange, requestId, violations);
                    return 500;
                }
                send(exchange, method, status, held);
                return status;
            }
            body.close();
            return status;
        }
    }

    private List<String> violations(String method, String rawPath, APIGatewayV2HTTPResponse response) {
        if (options.responseCheck() == null) {
            return List.of();
        }
        String body = response.getBody() == null ? "" : response.getIsBase64Encoded()
                ? new String(Base64.getDecoder().decode(response.getBody()), StandardCharsets.UTF_8) : response.getBody();
        return options.responseCheck().violations(method, rawPath, response.getStatusCode(),
                header(response.getHeaders(), "content-type"), body);
    }

    private static String header(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    private static void sendViolations(HttpExchange exchange, String requestId, List<String> violations)
            throws IOException {
        StringBuilder json = new StringBuilder("{\"message\":\"Contract violation\",\"violations\":[");
        for (int i = 0; i < violations.size(); i++) {
            json.append(i == 0 ? "" : ",").append(JSON.writeValueAsString(violations.get(i)));
        }
        json.append("]}");
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.getResponseHeaders().set("apigw-requestid", requestId);
        send(exchange, "POST", 500, json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private boolean iamStandInPresent(Headers headers) {
        if (options.iamHeader() == null) {
            return false;
        }
        String value = headers.getFirst(options.iamHeader());
        return value != null && options.iamHeaderAccepted().test(value);
    }

    /** The body, or {@code null} if it is larger than {@code max}. */
    private static byte[] readBody(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // 8 KB as InputStream.transferTo reads: a 64 KB buffer was 17 % of all the bytes a warm execute allocated.
        byte[] buffer = new byte[8 * 1024];
        int read;
        boolean tooLarge = false;
        while ((read = in.read(buffer)) != -1) {
            // Keep reading past the limit so the connection stays usable for the 413.
            if (!tooLarge && out.size() + read > max) {
                tooLarge = true;
                out = new ByteArrayOutputStream();
            }
            if (!tooLarge) {
                out.write(buffer, 0, read);
            }
        }
        return tooLarge ? null : out.toByteArray();
    }

    private APIGatewayV2HTTPEvent toEvent(HttpExchange exchange, String method, String rawPath, byte[] body,
                                          RouteMatcher.Match match, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> cookies = new ArrayList<>();
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("cookie")) {
                header.getValue().forEach(line -> splitCookies(line, cookies));
            } else if (!(match.route().iamAuth() && options.iamHeader() != null && name.equalsIgnoreCase(options.iamHeader()))) {
                // Only an AWS_IAM route consumes the stand-in (as API Gateway consumes a signature); other routes
                // see every header, e.g. a customer's own Authorization.
                headers.merge(name, String.join(",", header.getValue()), (a, b) -> a + "," + b);
            }
        }
        String sourceIp = exchange.getRemoteAddress().getAddress().getHostAddress();
        headers.putIfAbsent("x-forwarded-for", sourceIp);
        headers.putIfAbsent("x-forwarded-port", Integer.toString(port()));
        headers.putIfAbsent("x-forwarded-proto", "http");
        headers.putIfAbsent("x-amzn-trace-id", newTraceId());

        Instant now = Instant.now();
        String hostHeader = headers.getOrDefault("host", "localhost");
        String domainName = hostHeader.replaceFirst(":\\d+$", "");
        RequestContext context = RequestContext.builder()
                .withAccountId(LOCAL_ACCOUNT_ID)
                .withApiId("local")
                .withDomainName(domainName)
                .withDomainPrefix(domainName.contains(".") ? domainName.substring(0, domainName.indexOf('.')) : domainName)
                .withHttp(RequestContext.Http.builder()
                        .withMethod(method)
                        .withPath(rawPath)
                        .withProtocol(exchange.getProtocol())
                        .withSourceIp(sourceIp)
                        .withUserAgent(headers.getOrDefault("user-agent", ""))
                        .build())
                .withRequestId(requestId)
                .withRouteKey(match.route().routeKey())
                .withStage("$default")
                .withTime(REQUEST_TIME.format(now))
                .withTimeEpoch(now.toEpochMilli())
                .build();
        if (match.route().iamAuth()) {
            context.setAuthorizer(RequestContext.Authorizer.builder().withIam(localIamIdentity()).build());
        }

        String rawQuery = exchange.getRequestURI().getRawQuery();
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(match.route().routeKey())
                .withRawPath(rawPath)
                .withRawQueryString(rawQuery == null ? "" : rawQuery)
                .withCookies(cookies.isEmpty() ? null : cookies)
                .withHeaders(headers)
                .withQueryStringParameters(queryParameters(rawQuery))
                .withPathParameters(match.pathParameters().isEmpty() ? null : match.pathParameters())
                .withRequestContext(context)
                .build();
        if (body.length > 0) {
            if (isText(headers.get("content-type"))) {
                event.setBody(new String(body, StandardCharsets.UTF_8));
            } else {
                event.setBody(Base64.getEncoder().encodeToString(body));
                event.setIsBase64Encoded(true);
            }
        }
        return event;
    }

    private static RequestContext.IAM localIamIdentity() {
        return RequestContext.IAM.builder()
                .withAccessKey("ASIALOCALSTANDIN0000")
                .withAccountId(LOCAL_ACCOUNT_ID)
                .withCallerId("AIDALOCALSTANDIN0000")
                .withUserArn(LOCAL_USER_ARN)
                .withUserId("AIDALOCALSTANDIN0000")
                .build();
    }

    private static void splitCookies(String headerValue, List<String> cookies) {
        for (String cookie : headerValue.split(";")) {
            String trimmed = cookie.trim();
            if (!trimmed.isEmpty()) {
                cookies.add(trimmed);
            }
        }
    }

    /** Decoded query parameters, repeated names comma-joined as API Gateway does; {@code null} if none. */
    private static Map<String, String> queryParameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decodeQuery(pair.substring(eq + 1));
            parameters.merge(name, value, (a, b) -> a + "," + b);
        }
        return parameters.isEmpty() ? null : parameters;
    }

    private static String decodeQuery(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;
        }
    }

    /** Text and JSON bodies are passed as strings; anything else, or no content type, as base64. */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.startsWith("text/")
                || type.equals("application/json") || type.endsWith("+json")
                || type.equals("application/xml") || type.endsWith("+xml")
                || type.equals("application/javascript") || type.equals("application/x-www-form-urlencoded")
                || type.equals("application/x-ndjson");
    }

    // ---- responses --------------------------------------------------------------------------------

    private static void sendResponse(HttpExchange exchange, String method, String requestId,
                                     APIGatewayV2HTTPResponse response) throws IOException {
        Headers out = exchange.getResponseHeaders();
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> {
                if (value != null && !FRAMING_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    out.set(name, value);
                }
            });
        }
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> {
                if (values != null && !FRAMING_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(value -> out.add(name, value));
                }
            });
        }
        if (response.getCookies() != null) {
            response.getCookies().forEach(cookie -> out.add("set-cookie", cookie));
        }
        out.set("apigw-requestid", requestId);
        byte[] body = response.getBody() == null ? new byte[0]
                : response.getIsBase64Encoded() ? Base64.getDecoder().decode(response.getBody())
                : response.getBody().getBytes(StandardCharsets.UTF_8);
        send(exchange, method, response.getStatusCode(), body);
    }

    private static void sendMessage(HttpExchange exchange, String method, String requestId, int status, String message)
            throws IOException {
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.getResponseHeaders().set("apigw-requestid", requestId);
        send(exchange, method, status, ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, String method, int status, byte[] body) throws IOException {
        boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || body.length == 0;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(body);
            }
        }
    }

    /** Formats the line only when someone reads it: without a request log that work is left out of every request. */
    private void log(String format, Object... args) {
        if (options.requestLog() != null) {
            options.requestLog().accept(String.format(Locale.ROOT, format, args));
        }
    }

    private static String newRequestId() {
        byte[] bytes = new byte[11];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String newTraceId() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-" + HexFormat.of().formatHex(bytes);
    }

    /** What a response breaks; an empty list when it conforms. */
    @FunctionalInterface
    public interface ResponseCheck {
        List<String> violations(String method, String path, int status, String contentType, String body);
    }

    /**
     * Settings beyond routes and address.
     *
     * @param iamHeader         request header that stands in for a SigV4-signed request on AWS_IAM routes, or {@code null}
     * @param iamHeaderAccepted which values of that header count (e.g. compare with a local admin token)
     * @param requestLog        receives one line per request, or {@code null}
     * @param threads           size of the request pool
     * @param maxBodyBytes      larger request bodies get 413
     * @param responseCheck     checks each function response, or {@code null}
     * @param staticSite        files served on the same origin under a path prefix (what CloudFront serves from S3
     *                          in front of the API when deployed), or {@code null}
     */
    public record Options(String iamHeader, Predicate<String> iamHeaderAccepted, Consumer<String> requestLog,
                          int threads, int maxBodyBytes, ResponseCheck responseCheck, StaticSite staticSite) {
        public Options {
            Objects.requireNonNull(iamHeaderAccepted, "iamHeaderAccepted");
            if (threads < 1 || maxBodyBytes < 0) {
                throw new IllegalArgumentException("threads must be positive and maxBodyBytes not negative");
            }
        }

        /** No IAM stand-in (AWS_IAM routes answer 403), no request log, 16 threads, 10 MiB bodies, no static site. */
        public static Options defaults() {
            return new Options(null, value -> !value.isEmpty(), null, 16, 10 * 1024 * 1024, null, null);
        }

        /** Any non-empty value of {@code header} stands in for IAM auth. */
        public Options withIamHeader(String header) {
            return withIamHeader(header, value -> !value.isEmpty());
        }

        public Options withIamHeader(String header, Predicate<String> accepted) {
            return new Options(header, accepted, requestLog, threads, maxBodyBytes, responseCheck, staticSite);
        }

        public Options withRequestLog(Consumer<String> log) {
            return new Options(iamHeader, iamHeaderAccepted, log, threads, maxBodyBytes, responseCheck, staticSite);
        }

        public Options withThreads(int count) {
            return new Options(iamHeader, iamHeaderAccepted, requestLog, count, maxBodyBytes, responseCheck, staticSite);
        }

        public Options withMaxBodyBytes(int bytes) {
            return new Options(iamHeader, iamHeaderAccepted, requestLog, threads, bytes, responseCheck, staticSite);
        }

        /**
         * Checks every response a function gives (e.g. against the OpenAPI document, {@link OpenApiContract#check}):
         * one that breaks it is replaced by {@code 500 {"message": "Contract violation", "violations": [...]}}, so
         * the test that made the request fails with the reasons. Streamed JSON responses are buffered to be checked;
         * event streams are checked by status and content type.
         */
        public Options withResponseCheck(ResponseCheck check) {
            return new Options(iamHeader, iamHeaderAccepted, requestLog, threads, maxBodyBytes, check, staticSite);
        }

        public Options withStaticSite(StaticSite site) {
            return new Options(iamHeader, iamHeaderAccepted, requestLog, threads, maxBodyBytes, responseCheck, site);
        }
    }
}
