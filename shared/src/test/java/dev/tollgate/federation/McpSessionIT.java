package dev.tollgate.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.UpstreamClient;
import dev.tollgate.execution.UpstreamOutcomeUnknownException;
import dev.tollgate.execution.UpstreamResponse;
import dev.tollgate.mcp.McpJson;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tollgate's MCP client (the Streamable HTTP transport, client side) against a scripted local HTTP server: JSON and
 * SSE answers, the session id and protocol version headers, pagination, JSON-RPC errors, answers outside the protocol,
 * a body over the cap, a redirect, a refused token and a server that never answers — each through the real
 * {@link UpstreamClient}, and what {@link McpFederation} makes of it for the execution engine.
 */
class McpSessionIT {
    private static final String TOKEN = "tok_session0001";

    /** One request as the server saw it. */
    private record Seen(String method, String path, Map<String, List<String>> headers, JsonNode body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue().get(0);
                }
            }
            return null;
        }

        String rpcMethod() {
            return body == null ? null : body.path("method").asText(null);
        }
    }

    /** What the server does with one POST whose JSON-RPC method is not scripted otherwise. */
    @FunctionalInterface
    private interface Reply {
        void answer(Seen request, HttpExchange exchange) throws IOException;
    }

    private HttpServer server;
    private ExecutorService handlers;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Map<String, Reply> script = Map.of();
    private UpstreamClient upstream;
    private McpFederation federation;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] raw = exchange.getRequestBody().readAllBytes();
                JsonNode body = raw.length == 0 ? null : McpJson.MAPPER.readTree(raw);
                Seen request = new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        Map.copyOf(exchange.getRequestHeaders()), body);
                seen.add(request);
                String key = exchange.getRequestMethod().equals("POST") ? request.rpcMethod()
                        : exchange.getRequestMethod();
                Reply reply = script.getOrDefault(key, script.getOrDefault("*", McpSessionIT::standard));
                reply.answer(request, exchange);
            }
        });
        server.start();
        upstream = new UpstreamClient(true);
        federation = new McpFederation(upstream, null, Clock.systemUTC(), new McpFederation.Settings(
                Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30)), "test");
    }

    @AfterEach
    void stop() throws IOException {
        released.countDown();
        federation.close();
        upstream.close();
        server.stop(0);
        handlers.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------------------
    // The protocol
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void theSessionCarriesItsIdAndVersionAndEndsWithADelete() {
        script = Map.of();
        McpSession session = session(TOKEN);
        McpSchema.InitializeResult init = session.initialize();
        assertEquals("2025-06-18", init.protocolVersion());
        McpSchema.ListToolsResult tools = session.listTools(null);
        assertEquals("echo", tools.tools().get(0).name());
        session.close();

        assertEquals(List.of("initialize", "notifications/initialized", "tools/list"),
                seen.stream().filter(s -> s.method().equals("POST")).map(Seen::rpcMethod).toList());
        Seen initialize = seen.get(0);
        assertEquals("2025-06-18", initialize.body().path("params").path("protocolVersion").asText());
        assertEquals("tollgate", initialize.body().path("params").path("clientInfo").path("name").asText());
        assertNull(initialize.header("Mcp-Session-Id"));
        assertNull(initialize.header("MCP-Protocol-Version"));
        for (Seen request : seen) {
            assertEquals("Bearer " + TOKEN, request.header("Authorization"), request.method());
            assertEquals("tollgate", request.header("x-client"), "the catalog's static headers");
            if (request.method().equals("POST")) {
                assertEquals("application/json, text/event-stream", request.header("Accept"));
                assertTrue(request.header("Content-Type").startsWith("application/json"));
            }
        }
        for (Seen later : seen.subList(1, seen.size())) {
            assertEquals("session-1", later.header("Mcp-Session-Id"), later.method() + " " + later.rpcMethod());
            assertEquals("2025-06-18", later.header("MCP-Protocol-Version"));
        }
        assertFalse(seen.get(1).body().has("id"), "the notification has no id");
        assertTrue(seen.get(0).body().path("id").isIntegralNumber());
        assertTrue(seen.get(0).body().path("id").intValue() != seen.get(2).body().path("id").intValue());
        assertEquals("DELETE", seen.get(seen.size() - 1).method());
    }

    @Test
    void aTokenOfHeaderStyleTravelsInItsOwnHeaderOnEveryRequest() {
        McpSession session = new McpSessions(upstream, "test").open(provider("keyed"), url(), TOKEN,
                Duration.ofSeconds(10), System.nanoTime() + Duration.ofSeconds(20).toNanos());
        session.initialize();
        session.close();
        assertEquals(3, seen.size());
        for (Seen request : seen) {
            assertEquals(TOKEN, request.header("X-Api-Key"), request.method());
            assertNull(request.header("Authorization"));
        }
    }

    @Test
    void anInitializeWhoseConnectionBrokeIsSentOnceMore() {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        script = Map.of("initialize", (request, exchange) -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IOException("the connection closes without an answer, as a stale pooled one does");
            }
            standard(request, exchange);
        });
        McpSession session = session(null);
        assertEquals("2025-06-18", session.initialize().protocolVersion());
        assertEquals(2, attempts.get());
        assertEquals("echo", session.listTools(null).tools().get(0).name());
    }

    @Test
    void anOlderServerIsSpokenToInItsVersionAndOneWithoutSessionsGetsNoSessionHeader() {
        script = Map.of("initialize", (request, exchange) -> json(exchange, 200, Map.of(),
                initializeResult(request, "2025-03-26")));
        McpSession session = session(null);
        assertEquals("2025-03-26", session.initialize().protocolVersion());
        session.listTools(null);
        session.close();
        Seen list = seen.get(2);
        assertEquals("2025-03-26", list.header("MCP-Protocol-Version"));
        assertNull(list.header("Mcp-Session-Id"));
        assertNull(list.header("Authorization"));
        assertTrue(seen.stream().noneMatch(s -> s.method().equals("DELETE")), "no session, nothing to end");
    }

    @Test
    void aServerThatOffersOnlyAnotherVersionIsLeftAndItsSessionEnded() {
        script = Map.of("initialize", (request, exchange) -> json(exchange, 200, Map.of("Mcp-Session-Id", "s-9"),
                initializeResult(request, "2024-11-05")));
        McpSession session = session(null);
        McpSession.Malformed e = assertThrows(McpSession.Malformed.class, session::initialize);
        assertTrue(e.getMessage().contains("2025-03-26 and 2025-06-18"), e.getMessage());
        assertFalse(e.getMessage().contains("2024-11-05"), "the server's words stay out of logs");
        session.close();
        assertEquals("DELETE", seen.get(seen.size() - 1).method());
    }

    @Test
    void anSseAnswerIsReadPastNotificationsPingsAndOtherIdsToTheResponse() {
        script = Map.of("tools/call", (request, exchange) -> sse(exchange,
                message(Map.of("jsonrpc", "2.0", "method", "notifications/progress", "params", Map.of("progress", 1))),
                message(Map.of("jsonrpc", "2.0", "id", "srv-1", "method", "ping")),
                message(Map.of("jsonrpc", "2.0", "id", 9999, "result", Map.of())),
                ": a comment\n",
                message(response(request, callResult("done", false)))));
        McpSession session = initialized();
        McpSchema.CallToolResult result = session.callTool("echo", Map.of("text", "x"));
        assertEquals("done", ((McpSchema.TextContent) result.content().get(0)).text());
        assertEquals(Boolean.FALSE, result.isError());
    }

    @Test
    void anSseStreamKeptOpenAfterTheResponseIsCutOffNotAwaited() {
        // Were the rest of the stream awaited, the request's 5 s limit would end the call as a timeout.
        script = Map.of("tools/call", (request, exchange) -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(message(response(request, callResult("early", false))).getBytes(StandardCharsets.UTF_8));
            out.flush();
            await();
        });
        McpSession session = new McpSessions(upstream, "test").open(provider("open"), url(), null,
                Duration.ofSeconds(5), System.nanoTime() + Duration.ofSeconds(20).toNanos());
        session.initialize();
        assertEquals("early", ((McpSchema.TextContent) session.callTool("echo", Map.of()).content().get(0)).text());
    }

    @Test
    void aBatchedJsonAnswerIsSearchedForTheResponse() {
        script = Map.of("tools/call", (request, exchange) -> json(exchange, 200, Map.of(), List.of(
                Map.of("jsonrpc", "2.0", "method", "notifications/message", "params", Map.of("level", "info")),
                response(request, callResult("batched", true)))));
        McpSchema.CallToolResult result = initialized().callTool("echo", Map.of());
        assertEquals(Boolean.TRUE, result.isError(), "isError is a result");
    }

    @Test
    void toolListsAreFollowedAcrossPagesAndBecomeOperations() {
        script = Map.of("tools/list", (request, exchange) -> {
            String cursor = request.body().path("params").path("cursor").asText(null);
            String next = cursor == null ? "c1" : cursor.equals("c1") ? "c2" : null;
            String name = cursor == null ? "first" : cursor.equals("c1") ? "second" : "third";
            Map<String, Object> page = new java.util.HashMap<>(Map.of("tools", List.of(tool(name))));
            if (next != null) {
                page.put("nextCursor", next);
            }
            json(exchange, 200, Map.of(), response(request, page));
        });
        Provider provider = provider("open");
        federation.refresh(List.of(provider)).join();
        assertEquals(List.of("open_first", "open_second", "open_third"),
                federation.cached(provider).orElseThrow().stream().map(Operation::toolName).toList());
        assertEquals(List.of("c1", "c2"), seen.stream().filter(s -> "tools/list".equals(s.rpcMethod()))
                .map(s -> s.body().path("params").path("cursor").asText(null)).filter(c -> c != null).toList());
    }

    @Test
    void aPlatformTokenTheListingEchoesIsRedactedFromWhatCustomersSee() {
        script = Map.of("tools/list", (request, exchange) -> json(exchange, 200, Map.of(), response(request,
                Map.of("tools", List.of(Map.of("name", "leaky", "description", "Called with " + TOKEN + ".",
                        "inputSchema", Map.of("type", "object", "properties", Map.of("q", Map.of("type", "string",
                                "description", "e.g. " + TOKEN.substring(0, 12))))))))));
        dev.tollgate.testing.InMemoryKeyVault vault = new dev.tollgate.testing.InMemoryKeyVault();
        vault.setPlatformKey("listed", TOKEN);
        try (McpFederation withToken = new McpFederation(upstream, vault, Clock.systemUTC(), new McpFederation.Settings(
                Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30)), "test")) {
            Provider listed = provider("listed");
            withToken.refresh(List.of(listed)).join();
            Operation leaky = withToken.cached(listed).orElseThrow().get(0);
            assertEquals("Bearer " + TOKEN, seen.get(0).header("Authorization"), "listed with the platform token");
            String shown = leaky.description() + leaky.inputSchema();
            assertFalse(shown.contains(TOKEN.substring(0, 8)), shown);
            assertTrue(shown.contains("[REDACTED]"), shown);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // What a call becomes for the engine
    // ------------------------------------------------------------------------------------------------------------

    @Test
    void aResultIsA200WithContentStructuredContentAndIsError() {
        script = Map.of("tools/call", (request, exchange) -> sse(exchange, message(response(request, Map.of(
                "content", List.of(Map.of("type", "text", "text", "0.3")), "structuredContent", Map.of("sum", 0.3),
                "isError", false, "_meta", Map.of("upstream", "private"))))));
        UpstreamResponse answer = call("open", "{\"a\": 0.1}");
        assertEquals(200, answer.status());
        JsonNode body = read(answer);
        assertEquals("0.3", body.path("structuredContent").path("sum").decimalValue().toPlainString());
        assertEquals("text", body.path("content").path(0).path("type").asText());
        assertFalse(body.has("_meta"));
        Seen call = seen.stream().filter(s -> "tools/call".equals(s.rpcMethod())).findFirst().orElseThrow();
        assertEquals("echo", call.body().path("params").path("name").asText());
        assertEquals("0.1", call.body().path("params").path("arguments").path("a").decimalValue().toPlainString());
    }

    @Test
    void jsonRpcErrorsAreTheRequestsOrTheServersFault() {
        script = Map.of("tools/call", (request, exchange) -> json(exchange, 200, Map.of(), Map.of("jsonrpc", "2.0",
                "id", request.body().get("id"), "error", Map.of("code", -32602, "message", "text is required"))));
        UpstreamResponse invalid = call("open", "{}");
        assertEquals(400, invalid.status());
        assertEquals("text is required", read(invalid).path("error").path("message").asText());

        script = Map.of("tools/call", (request, exchange) -> sse(exchange, message(Map.of("jsonrpc", "2.0",
                "id", request.body().get("id"), "error", Map.of("code", -32603, "message", "boom")))));
        assertEquals(502, call("open", "{}").status());
    }

    @Test
    void answersOutsideTheProtocolAreTheServersFailure() {
        List<Reply> garbage = List.of(
                (request, exchange) -> text(exchange, 200, "text/html", "<html>proxy login</html>"),
                (request, exchange) -> sse(exchange, "data: {not json\n\n"),
                (request, exchange) -> sse(exchange, message(Map.of("jsonrpc", "2.0", "method", "notifications/x"))),
                (request, exchange) -> json(exchange, 200, Map.of(),
                        response(request, Map.of("content", "not a list"))),
                (request, exchange) -> json(exchange, 200, Map.of(),
                        Map.of("jsonrpc", "2.0", "id", request.body().get("id"))),
                (request, exchange) -> json(exchange, 200, Map.of(), List.of(1, 2)),
                (request, exchange) -> text(exchange, 200, "application/json", "{\"jsonrpc\":\"2.0\",\"id\":"
                        + request.body().get("id") + ",\"result\":{\"content\":[],"
                        + "\"structuredContent\":{\"n\":1e99999}}}"));
        for (Reply reply : garbage) {
            script = Map.of("tools/call", reply);
            assertEquals(502, call("open", "{}").status());
        }
        script = Map.of("initialize", (request, exchange) -> json(exchange, 200,
                Map.of("Mcp-Session-Id", "bad id\u00e9"), initializeResult(request, "2025-06-18")));
        assertEquals(502, call("open", "{}").status());
    }

    @Test
    void aBodyOverTheCapIsRefusedWhetherItEndsOrNot() {
        byte[] chunk = ("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\""
                + "x".repeat(60_000) + "\"}}\n\n").getBytes(StandardCharsets.UTF_8);
        script = Map.of("tools/call", (request, exchange) -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            while (true) {
                out.write(chunk);
            }
        });
        TollgateException endless = assertThrows(TollgateException.class, () -> call("open", "{}"));
        assertEquals(ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE, endless.code());

        script = Map.of("tools/call", (request, exchange) -> text(exchange, 200, "application/json",
                "{\"jsonrpc\":\"2.0\",\"id\":" + request.body().get("id") + ",\"result\":{\"content\":["
                        + "{\"type\":\"text\",\"text\":\"" + "y".repeat(UpstreamClient.MAX_RESPONSE_BYTES) + "\"}]}}"));
        assertEquals(ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE,
                assertThrows(TollgateException.class, () -> call("open", "{}")).code());
    }

    @Test
    void aRedirectIsReturnedNotFollowed() {
        script = Map.of("tools/call", (request, exchange) -> {
            exchange.getResponseHeaders().add("Location", url().replace("/mcp", "/elsewhere"));
            exchange.sendResponseHeaders(307, -1);
        });
        UpstreamResponse answer = call("secured", "{}");
        assertEquals(307, answer.status());
        assertTrue(seen.stream().allMatch(s -> s.path().equals("/mcp")), "not followed");
    }

    @Test
    void aRefusedTokenIsTheServersAnswerForTheEngineToMap() {
        script = Map.of("initialize", (request, exchange) -> text(exchange, 401, "application/json",
                "{\"error\":{\"message\":\"bad token " + TOKEN + "\"}}"));
        UpstreamResponse answer = call("secured", "{}");
        assertEquals(401, answer.status());
        assertTrue(new String(answer.body(), StandardCharsets.UTF_8).contains("bad token"),
                "passed on; the engine redacts the secrets in play");

        script = Map.of("tools/call", (request, exchange) -> text(exchange, 404, "text/plain", "session not found"));
        assertEquals(502, call("secured", "{}").status(), "a transport refusal is not the caller's input at fault");
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndOnlyASentCallIsAnUnknownOutcome() {
        script = Map.of("tools/call", (request, exchange) -> await());
        TollgateException call = assertThrows(TollgateException.class, () -> call("quick", "{}"));
        assertEquals(ErrorCode.UPSTREAM_TIMEOUT, call.code());
        assertInstanceOf(UpstreamOutcomeUnknownException.class, call);
        assertTrue(call.getMessage().startsWith("Quick MCP did not answer within 1.0 seconds"), call.getMessage());

        script = Map.of("initialize", (request, exchange) -> await());
        TollgateException setUp = assertThrows(TollgateException.class, () -> call("quick", "{}"));
        assertEquals(ErrorCode.UPSTREAM_TIMEOUT, setUp.code());
        assertFalse(setUp instanceof UpstreamOutcomeUnknownException, "the tool was never called");
    }

    @Test
    void anUnreachableServerIsUnavailableAndLeftOutOfListings() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        ProviderCatalog catalog = catalog("http://127.0.0.1:" + closed + "/mcp");
        Provider gone = catalog.provider("open").orElseThrow();
        TollgateException e = assertThrows(TollgateException.class,
                () -> federation.call(gone, echo(gone), McpJson.MAPPER.createObjectNode(), null));
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, e.code());
        assertTrue(federation.available(List.of(gone)).isEmpty(), "left out until it is retried");
    }

    // ------------------------------------------------------------------------------------------------------------
    // The scripted server
    // ------------------------------------------------------------------------------------------------------------

    /** initialize → JSON with a session id; the notification → 202; tools/list → one tool; tools/call → SSE. */
    private static void standard(Seen request, HttpExchange exchange) throws IOException {
        switch (String.valueOf(request.method().equals("POST") ? request.rpcMethod() : request.method())) {
            case "initialize" -> json(exchange, 200, Map.of("Mcp-Session-Id", "session-1"),
                    initializeResult(request, "2025-06-18"));
            case "notifications/initialized" -> exchange.sendResponseHeaders(202, -1);
            case "tools/list" -> json(exchange, 200, Map.of(),
                    response(request, Map.of("tools", List.of(tool("echo")))));
            case "tools/call" -> sse(exchange, message(response(request, callResult("ok", false))));
            case "DELETE" -> exchange.sendResponseHeaders(204, -1);
            default -> exchange.sendResponseHeaders(400, -1);
        }
    }

    private static Map<String, Object> initializeResult(Seen request, String version) {
        return response(request, Map.of("protocolVersion", version, "capabilities", Map.of("tools", Map.of()),
                "serverInfo", Map.of("name", "scripted", "version", "1")));
    }

    private static Map<String, Object> tool(String name) {
        return Map.of("name", name, "description", "Tool " + name + ".", "inputSchema", Map.of("type", "object"));
    }

    private static Map<String, Object> callResult(String text, boolean isError) {
        return Map.of("content", List.of(Map.of("type", "text", "text", text)), "isError", isError);
    }

    private static Map<String, Object> response(Seen request, Object result) {
        return Map.of("jsonrpc", "2.0", "id", McpJson.MAPPER.convertValue(request.body().get("id"), Object.class),
                "result", result);
    }

    private static String message(Object message) {
        try {
            return "event: message\nid: e1\ndata: " + McpJson.MAPPER.writeValueAsString(message) + "\n\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void json(HttpExchange exchange, int status, Map<String, String> headers, Object body)
            throws IOException {
        headers.forEach(exchange.getResponseHeaders()::add);
        text(exchange, status, "application/json", McpJson.MAPPER.writeValueAsString(body));
    }

    private static void sse(HttpExchange exchange, String... events) throws IOException {
        text(exchange, 200, "text/event-stream", String.join("", events));
    }

    private static void text(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** Holds the request until the test ends: a server that never answers. */
    private void await() {
        try {
            released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The client side
    // ------------------------------------------------------------------------------------------------------------

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    }

    private ProviderCatalog catalog(String url) {
        return ProviderCatalog.fromJson("""
                {"providers": [
                  {"id": "open", "name": "Open MCP", "kind": "mcp", "url": "%1$s", "auth": "none", "byok": false,
                   "platform_key": false, "pricing": {"type": "free"}},
                  {"id": "secured", "name": "Secured MCP", "kind": "mcp", "url": "%1$s", "auth": "bearer",
                   "key_pattern": "^tok_[a-z0-9]+$", "key_format": "tok_…", "byok": true, "platform_key": false,
                   "pricing": {"type": "per_call", "credits": "1"}, "headers": {"x-client": "tollgate"}},
                  {"id": "listed", "name": "Listed MCP", "kind": "mcp", "url": "%1$s", "auth": "bearer",
                   "key_pattern": "^tok_[a-z0-9]+$", "key_format": "tok_…", "byok": false, "platform_key": true,
                   "pricing": {"type": "per_call", "credits": "1"}},
                  {"id": "keyed", "name": "Keyed MCP", "kind": "mcp", "url": "%1$s", "auth": "header:X-Api-Key",
                   "key_pattern": "^tok_[a-z0-9]+$", "key_format": "tok_…", "byok": true, "platform_key": false,
                   "pricing": {"type": "per_call", "credits": "1"}},
                  {"id": "quick", "name": "Quick MCP", "kind": "mcp", "url": "%1$s", "auth": "none", "byok": false,
                   "platform_key": false, "pricing": {"type": "free"}, "timeout_ms": 1000}
                ]}""".formatted(url), Config.of(Map.of()));
    }

    private Provider provider(String id) {
        return catalog(url()).provider(id).orElseThrow();
    }

    private McpSession session(String token) {
        return new McpSessions(upstream, "test").open(provider(token == null ? "open" : "secured"), url(), token,
                Duration.ofSeconds(10), System.nanoTime() + Duration.ofSeconds(20).toNanos());
    }

    private McpSession initialized() {
        McpSession session = session(null);
        session.initialize();
        return session;
    }

    /** One call of the tool "echo" as the engine makes it, with the token when the provider takes one. */
    private UpstreamResponse call(String providerId, String input) {
        Provider provider = provider(providerId);
        dev.tollgate.vault.Secret token = provider.auth().needsSecret() ? secret(TOKEN) : null;
        try {
            return federation.call(provider, echo(provider), (ObjectNode) McpJson.MAPPER.readTree(input), token);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server's tool "echo" as discovery would have made it an operation of {@code provider}. */
    private static Operation echo(Provider provider) {
        return Operation.federated(provider, "echo", "Echoes.", McpJson.MAPPER.createObjectNode().put("type", "object"),
                new dev.tollgate.catalog.UpstreamTool("echo", null, null));
    }

    private static dev.tollgate.vault.Secret secret(String value) {
        return new dev.tollgate.vault.Secret(value.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode read(UpstreamResponse response) {
        try {
            return McpJson.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
