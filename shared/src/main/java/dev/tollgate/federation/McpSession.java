package dev.tollgate.federation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.EventStreams;
import dev.tollgate.execution.Upstream;
import dev.tollgate.execution.UpstreamClient;
import dev.tollgate.execution.UpstreamOutcomeUnknownException;
import dev.tollgate.execution.UpstreamRequest;
import dev.tollgate.execution.UpstreamResponse;
import dev.tollgate.mcp.McpJson;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One session with a federated MCP server, client side of the Streamable HTTP transport (MCP 2025-06-18, and servers
 * that answer 2025-03-26): {@code initialize} and {@code notifications/initialized}, {@code tools/list},
 * {@code tools/call}, and {@code DELETE} at the end.
 *
 * <p>Every HTTP request goes through {@link Upstream}, the one guarded client of every provider call (SPEC 7.4): no
 * redirects followed, the deadline enforced on the whole exchange, bodies capped at 5 MB, and the engine redacts the
 * secrets in play from what it returns. That is why Tollgate speaks the protocol itself instead of using the MCP Java
 * SDK's client, whose transport has its own {@code java.net.http} client and runs on Project Reactor (1.6 MB more in
 * each function jar); the messages are still the SDK's schema records, written and read by its Jackson mapper.
 *
 * <p>Each POST carries {@code Accept: application/json, text/event-stream}; after initialisation also
 * {@code MCP-Protocol-Version} and, when the server issued one, {@code Mcp-Session-Id}. The server may answer a request
 * with one JSON document or with an SSE stream: its events are read until the response with the request's id (server
 * notifications and requests such as {@code ping} on the way are skipped; Tollgate declares no client capability that
 * would make them matter), and the rest of the stream is cut off rather than awaited.
 *
 * <p>Failures are one of: a {@link TollgateException} of the upstream client (unreachable, timeout, too large), an
 * HTTP refusal ({@link Refused}), a JSON-RPC error ({@link RpcError}) or an answer outside the protocol
 * ({@link Malformed}). Their messages are Tollgate's own words: nothing the server sent is in them, except the
 * JSON-RPC error message that {@link RpcError#serverMessage()} holds apart.
 */
final class McpSession implements AutoCloseable {
    /** The version Tollgate asks for; a server that cannot speak it answers another it supports. */
    static final String PROTOCOL_VERSION = ProtocolVersions.MCP_2025_06_18;
    /** Both have the same Streamable HTTP transport and the same tools methods. */
    static final Set<String> SUPPORTED_VERSIONS =
            Set.of(ProtocolVersions.MCP_2025_06_18, ProtocolVersions.MCP_2025_03_26);
    /** The specification allows visible ASCII only; the length bound is ours. */
    private static final Pattern SESSION_ID = Pattern.compile("[\\x21-\\x7E]{1,1024}");
    private static final Duration END_TIMEOUT = Duration.ofSeconds(2);
    private static final String ACCEPT = "application/json, text/event-stream";

    private final Upstream upstream;
    private final URI endpoint;
    private final List<Map.Entry<String, String>> fixedHeaders;
    private final McpSchema.Implementation clientInfo;
    private final Duration requestTimeout;
    private final long deadlineNanos;
    private int nextId = 1;
    private String sessionId;
    private String protocolVersion;

    /**
     * @param fixedHeaders   sent on every request: the catalog's static headers and the token's header
     * @param requestTimeout limit of each request
     * @param deadlineNanos  {@link System#nanoTime()} by which the whole session's work must be done
     */
    McpSession(Upstream upstream, URI endpoint, List<Map.Entry<String, String>> fixedHeaders,
               McpSchema.Implementation clientInfo, Duration requestTimeout, long deadlineNanos) {
        this.upstream = upstream;
        this.endpoint = endpoint;
        this.fixedHeaders = List.copyOf(fixedHeaders);
        this.clientInfo = clientInfo;
        this.requestTimeout = requestTimeout;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * {@code initialize}, then {@code notifications/initialized}: the session is ready for tools. An {@code initialize}
     * whose connection broke before any answer is sent once more: the first request of a session is the one that
     * meets a pooled connection the server has since closed (it restarted, or its keep-alive ended as the request
     * left), and opening a session twice changes nothing a tool could see.
     */
    McpSchema.InitializeResult initialize() {
        McpSchema.InitializeRequest hello = new McpSchema.InitializeRequest(PROTOCOL_VERSION,
                McpSchema.ClientCapabilities.builder().build(), clientInfo);
        McpSchema.InitializeResult result;
        try {
            result = request(McpSchema.METHOD_INITIALIZE, hello, McpSchema.InitializeResult.class);
        } catch (UpstreamOutcomeUnknownException broken) {
            if (broken.code() != ErrorCode.UPSTREAM_ERROR) {
                throw broken;
            }
            result = request(McpSchema.METHOD_INITIALIZE, hello, McpSchema.InitializeResult.class);
        }
        if (result.protocolVersion() == null || !SUPPORTED_VERSIONS.contains(result.protocolVersion())) {
            // Its version string is not repeated: the server chose it, and these words reach logs.
            throw new Malformed("the server offers only MCP versions Tollgate does not speak (it speaks "
                    + String.join(" and ", SUPPORTED_VERSIONS.stream().sorted().toList()) + ")");
        }
        protocolVersion = result.protocolVersion();
        notify(McpSchema.METHOD_NOTIFICATION_INITIALIZED);
        return result;
    }

    /** One page of the server's tools. */
    McpSchema.ListToolsResult listTools(String cursor) {
        return request(McpSchema.METHOD_TOOLS_LIST, new McpSchema.PaginatedRequest(cursor),
                McpSchema.ListToolsResult.class);
    }

    /** Calls one tool; an {@code isError} result is a result. */
    McpSchema.CallToolResult callTool(String name, Map<String, Object> arguments) {
        return request(McpSchema.METHOD_TOOLS_CALL, new McpSchema.CallToolRequest(name, arguments),
                McpSchema.CallToolResult.class);
    }

    /** Ends the session on the server ({@code DELETE}), best effort: a server that refuses or fails changes nothing. */
    @Override
    public void close() {
        if (sessionId == null) {
            return;
        }
        try {
            upstream.send(new UpstreamRequest("DELETE", endpoint, headers(false), null, END_TIMEOUT, false));
        } catch (RuntimeException ignored) {
            // The server ends idle sessions on its own; nothing depends on this one ending now.
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Exchanges
    // ------------------------------------------------------------------------------------------------------------

    private <T> T request(String method, Object params, Class<T> resultType) {
        int id = nextId++;
        Answer answer = new Answer(id, method.equals(McpSchema.METHOD_INITIALIZE));
        UpstreamClient.Streamed streamed = upstream.stream(post(write(new McpSchema.JSONRPCRequest(
                McpSchema.JSONRPC_VERSION, method, id, params))), answer::read);
        if (streamed.refused() != null) {
            throw new Refused(streamed.refused());
        }
        if (answer.problem != null) {
            throw new Malformed(answer.problem + " (" + method + ")");
        }
        JsonNode response = streamed.assembled();
        if (response == null) {
            throw new Malformed("the server's answer holds no response to " + method);
        }
        if (response.hasNonNull("error")) {
            McpSchema.JSONRPCResponse.JSONRPCError error = read(response.get("error"),
                    McpSchema.JSONRPCResponse.JSONRPCError.class, method);
            throw new RpcError(error.code() == null ? McpSchema.ErrorCodes.INTERNAL_ERROR : error.code(),
                    error.message());
        }
        if (answer.sessionId != null) {
            sessionId = answer.sessionId;
        }
        return read(response.get("result"), resultType, method);
    }

    private void notify(String method) {
        UpstreamResponse response = upstream.send(post(write(new McpSchema.JSONRPCNotification(
                McpSchema.JSONRPC_VERSION, method, null))));
        if (!response.isSuccess()) {
            throw new Refused(response);
        }
    }

    /**
     * The URL is the catalog's or the operator's, never a customer's: like any catalog provider's, it is not subject
     * to the SSRF guard ({@code customerHost} false), so a self-hosted server on a private network stays reachable.
     */
    private UpstreamRequest post(byte[] body) {
        return new UpstreamRequest("POST", endpoint, headers(true), body, timeLeft(), false);
    }

    private List<Map.Entry<String, String>> headers(boolean post) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(fixedHeaders);
        if (post) {
            headers.add(Map.entry("Content-Type", "application/json"));
            headers.add(Map.entry("Accept", ACCEPT));
        }
        if (protocolVersion != null) {
            headers.add(Map.entry(HttpHeaders.PROTOCOL_VERSION, protocolVersion));
        }
        if (sessionId != null) {
            headers.add(Map.entry(HttpHeaders.MCP_SESSION_ID, sessionId));
        }
        return headers;
    }

    private Duration timeLeft() {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new TollgateException(ErrorCode.UPSTREAM_TIMEOUT, "No time was left for the next request");
        }
        return left < requestTimeout.toNanos() ? Duration.ofNanos(left) : requestTimeout;
    }

    private static byte[] write(Object message) {
        try {
            return McpJson.MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an MCP message", e);
        }
    }

    private static <T> T read(JsonNode node, Class<T> type, String method) {
        if (node == null || !node.isObject()) {
            throw new Malformed("the server's response to " + method + " is not an object");
        }
        try {
            return McpJson.SDK.convertValue(node, type);
        } catch (IllegalArgumentException e) {
            throw new Malformed("the server's response to " + method + " does not have the shape MCP gives it");
        }
    }

    /**
     * Reads the answer to one request: a JSON document, or SSE events until the response with its id. A problem is
     * noted rather than thrown, so that the upstream client does not take it for a broken connection.
     */
    private static final class Answer {
        private final int id;
        private final boolean initialize;
        private JsonNode response;
        private String sessionId;
        private String problem;

        Answer(int id, boolean initialize) {
            this.id = id;
            this.initialize = initialize;
        }

        JsonNode read(Map<String, String> headers, InputStream body) throws IOException {
            if (initialize) {
                String issued = headers.get(HttpHeaders.MCP_SESSION_ID.toLowerCase(Locale.ROOT));
                if (issued != null && !SESSION_ID.matcher(issued).matches()) {
                    problem = "the server issued a session id that is not visible ASCII of at most 1024 characters";
                    body.close();
                    return null;
                }
                sessionId = issued;
            }
            String type = headers.getOrDefault("content-type", "").toLowerCase(Locale.ROOT);
            if (type.startsWith("text/event-stream")) {
                EventStreams.events(body, (event, data) -> take(data));
                body.close();
            } else {
                take(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            return response;
        }

        /** @return whether to read on: no response with the id yet, and nothing wrong */
        private boolean take(String text) {
            JsonNode message;
            try {
                message = McpJson.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                problem = "the server sent a message that is not JSON";
                return false;
            }
            if (message != null && message.isArray()) {
                for (JsonNode item : message) {
                    if (!look(item)) {
                        return false;
                    }
                }
                return true;
            }
            return look(message);
        }

        private boolean look(JsonNode message) {
            if (message == null || !message.isObject()) {
                problem = "the server sent a message that is not a JSON-RPC object";
                return false;
            }
            if (message.has("method") || !answers(message.get("id"))) {
                return true;
            }
            if (!message.has("result") && !message.hasNonNull("error")) {
                problem = "the server's response has neither a result nor an error";
                return false;
            }
            response = message;
            return false;
        }

        private boolean answers(JsonNode messageId) {
            if (messageId == null) {
                return false;
            }
            return messageId.isIntegralNumber() && messageId.canConvertToLong() && messageId.longValue() == id
                    || messageId.isTextual() && messageId.textValue().equals(Integer.toString(id));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Failures
    // ------------------------------------------------------------------------------------------------------------

    /** What went wrong in the session, in Tollgate's words; no stack trace (it is an answer, not a bug). */
    abstract static class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** The server answered an HTTP request with a non-2xx status; {@link #response()} is its answer, unredacted. */
    static final class Refused extends Failure {
        private final transient UpstreamResponse response;

        Refused(UpstreamResponse response) {
            super("the server answered HTTP " + response.status());
            this.response = response;
        }

        UpstreamResponse response() {
            return response;
        }
    }

    /** The server answered with a JSON-RPC error. */
    static final class RpcError extends Failure {
        private final int code;
        private final transient String serverMessage;

        RpcError(int code, String serverMessage) {
            super("the server answered JSON-RPC error " + code);
            this.code = code;
            this.serverMessage = serverMessage;
        }

        int code() {
            return code;
        }

        /** The server's text: may echo a secret, so it goes through the engine's redaction before anyone sees it. */
        String serverMessage() {
            return serverMessage;
        }

        /** An internal error or a server-defined one (-32000 to -32099): the server failed, not the request. */
        boolean serverFault() {
            return code == McpSchema.ErrorCodes.INTERNAL_ERROR || (code <= -32000 && code >= -32099);
        }
    }

    /** The server's answer is not what the protocol says it must be. */
    static final class Malformed extends Failure {
        Malformed(String message) {
            super(message);
        }
    }
}
