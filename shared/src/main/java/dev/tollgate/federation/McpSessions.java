package dev.tollgate.federation;

import dev.tollgate.catalog.Provider;
import dev.tollgate.execution.Upstream;
import dev.tollgate.execution.UpstreamResponse;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Opens {@link McpSession}s with federated MCP servers, one per use (a tool listing, or one tool call), so that nothing
 * one customer does in a session (a stateful server such as Playwright keeps pages open) is seen by another. All of
 * them go through the container's one {@link Upstream}.
 */
final class McpSessions {
    private final Upstream upstream;
    private final McpSchema.Implementation clientInfo;

    McpSessions(Upstream upstream, String tollgateVersion) {
        this.upstream = upstream;
        this.clientInfo = new McpSchema.Implementation("tollgate", "Tollgate", tollgateVersion);
    }

    /**
     * A session with {@code endpoint}, not yet initialised; the caller closes it.
     *
     * @param token          the BYOK or platform token, or null for a server without auth
     * @param requestTimeout limit of each request of the session
     * @param deadlineNanos  {@link System#nanoTime()} by which all of its requests must be answered
     */
    McpSession open(Provider provider, String endpoint, String token, Duration requestTimeout, long deadlineNanos) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(provider.headers().entrySet());
        if (token != null) {
            switch (provider.auth().kind()) {
                case BEARER -> headers.add(Map.entry("Authorization", "Bearer " + token));
                case HEADER -> headers.add(Map.entry(provider.auth().parameter().orElseThrow(), token));
                default -> {
                    // The catalog only admits none, bearer and header:<Name> for MCP servers.
                }
            }
        }
        return new McpSession(upstream, URI.create(endpoint), headers, clientInfo, requestTimeout, deadlineNanos);
    }

    /**
     * Runs a whole session (initialize, a listing, a call with an SSE answer, the end) against canned answers in
     * memory: loads the classes and Jackson (de)serialisers a first real session needs, without any I/O (SnapStart
     * priming).
     *
     * @return the canned call's result
     */
    McpSchema.CallToolResult warmUp() {
        String session = HttpHeaders.MCP_SESSION_ID.toLowerCase(Locale.ROOT);
        Iterator<UpstreamResponse> answers = List.of(
                answer("application/json", Map.of(session, "priming"), "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
                        + "{\"protocolVersion\":\"" + McpSession.PROTOCOL_VERSION + "\","
                        + "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"priming\",\"version\":\"0\"}}}"),
                answer("application/json", Map.of(), ""),
                answer("application/json", Map.of(), "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":"
                        + "[{\"name\":\"priming\",\"inputSchema\":{\"type\":\"object\"}}]}}"),
                answer("text/event-stream", Map.of(), "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":3,"
                        + "\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"priming\"}],\"isError\":false}}\n\n"),
                answer("application/json", Map.of(), "")).iterator();
        try (McpSession primed = new McpSession(request -> answers.next(), URI.create("http://127.0.0.1:9/mcp"),
                List.of(), clientInfo, Duration.ofSeconds(1), System.nanoTime() + Duration.ofSeconds(10).toNanos())) {
            primed.initialize();
            return primed.callTool(primed.listTools(null).tools().get(0).name(), Map.of());
        }
    }

    private static UpstreamResponse answer(String type, Map<String, String> headers, String body) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("content-type", type);
        return new UpstreamResponse(200, all, body.getBytes(StandardCharsets.UTF_8), 0);
    }
}
