package dev.tollgate.federation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.FederatedTools;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ToolDirectory;
import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.FederatedCall;
import dev.tollgate.execution.UpstreamResponse;
import dev.tollgate.log.Log;
import dev.tollgate.mcp.McpJson;
import dev.tollgate.vault.KeyVault;
import dev.tollgate.vault.Secret;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Federated MCP servers (SPEC 12.3) through the official MCP Java SDK client: their tools, discovered and cached per
 * container, and the calls of those tools.
 *
 * <p><b>Discovery</b> is lazy: the first listing (or call) after a server's list expired starts a fetch (a session of
 * its own: initialize, {@code tools/list} page by page) in the background, and waits for all stale servers together
 * for at most the listing budget ({@code TOLLGATE_FEDERATION_LIST_BUDGET_MS}, default 2 s). A server that has not
 * answered by then is left out of that listing while its fetch goes on, so a slow server never slows the rest by
 * more than the budget; one that failed is left out, without new attempts, for {@link Settings#retryAfterFailure()}.
 * A list is kept for {@code TOLLGATE_FEDERATION_TTL_SECONDS} (default and maximum 300). The listing uses the
 * platform token where the catalog offers one (and the operator set it), otherwise none.
 *
 * <p><b>Calls</b> open a session per call with the token billing chose (BYOK, platform or none), so a stateful server
 * never mixes two customers' state; the session ends in the background after the answer. The answer has the shape of
 * an HTTP exchange for the execution engine: 200 with the {@code CallToolResult} (an {@code isError} result included:
 * the tool ran, so it is billed like any result), 401/403 for a refused token, 400 for a JSON-RPC error of the request
 * (unknown tool, invalid params) and 502 for one of the server; a server that cannot be reached is
 * {@code provider_unavailable} (and is left out of listings until it is retried), one that does not answer within
 * the tool's timeout {@code upstream_timeout}.
 */
public final class McpFederation implements FederatedTools, FederatedCall, AutoCloseable {
    private static final Log LOG = Log.get(McpFederation.class);
    private static final int MAX_PAGES = 10;
    private static final Duration MAX_INITIALIZATION = Duration.ofSeconds(5);

    /**
     * @param ttl               how long a server's tool list is kept (at most 5 minutes)
     * @param listingBudget     how long a listing waits for stale servers, all together
     * @param fetchTimeout      limit of each request of a background fetch (initialize, each tools/list page)
     * @param retryAfterFailure how long a server that failed stays out before it is tried again
     */
    public record Settings(Duration ttl, Duration listingBudget, Duration fetchTimeout, Duration retryAfterFailure) {
        public static final Duration MAX_TTL = Duration.ofMinutes(5);

        public static Settings from(Config config) {
            long ttl = Math.max(1, Math.min(MAX_TTL.toSeconds(), config.getLong("TOLLGATE_FEDERATION_TTL_SECONDS", 300)));
            long budget = Math.max(50, Math.min(10_000, config.getLong("TOLLGATE_FEDERATION_LIST_BUDGET_MS", 2_000)));
            long retry = Math.max(1, Math.min(ttl, config.getLong("TOLLGATE_FEDERATION_RETRY_SECONDS", 30)));
            return new Settings(Duration.ofSeconds(ttl), Duration.ofMillis(budget), Duration.ofSeconds(10),
                    Duration.ofSeconds(retry));
        }
    }

    /** A server's last listing: its tools, or null if it failed; either holds until {@code until}. */
    private record Listing(List<Operation> tools, Instant until) {
        boolean ok() {
            return tools != null;
        }
    }

    /** One server's state in this container. */
    private static final class Server {
        volatile Listing listing;
        CompletableFuture<Listing> fetch;
    }

    private final McpSessions sessions;
    private final KeyVault vault;
    private final Clock clock;
    private final Settings settings;
    private final Map<String, Server> servers = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mcp-federation");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param vault lends the platform token for listings of servers that need one
     */
    public McpFederation(KeyVault vault, Clock clock, Settings settings, String tollgateVersion) {
        this.sessions = new McpSessions(tollgateVersion);
        this.vault = vault;
        this.clock = clock;
        this.settings = settings;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Discovery
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public Map<String, List<Operation>> available(List<Provider> candidates) {
        long deadline = System.nanoTime() + settings.listingBudget().toNanos();
        Instant now = clock.instant();
        Map<String, List<Operation>> out = new LinkedHashMap<>();
        Map<Provider, CompletableFuture<Listing>> waiting = new LinkedHashMap<>();
        for (Provider provider : candidates) {
            if (!provider.isFederated() || provider.baseUrl().isEmpty()) {
                continue;
            }
            Server server = servers.computeIfAbsent(provider.id(), id -> new Server());
            Listing listing = server.listing;
            if (listing != null && now.isBefore(listing.until())) {
                if (listing.ok()) {
                    out.put(provider.id(), listing.tools());
                }
            } else {
                waiting.put(provider, refresh(provider, server));
            }
        }
        for (Map.Entry<Provider, CompletableFuture<Listing>> e : waiting.entrySet()) {
            try {
                Listing listing = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (listing.ok()) {
                    out.put(e.getKey().id(), listing.tools());
                }
            } catch (TimeoutException slow) {
                LOG.warn("federated MCP server did not list its tools within the budget; left out of this listing",
                        "provider", e.getKey().id(), "budget_ms", settings.listingBudget().toMillis());
            } catch (ExecutionException failed) {
                LOG.warn("federated tool listing failed", "provider", e.getKey().id(),
                        "reason", failed.getCause().getClass().getSimpleName());
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return out;
    }

    @Override
    public CompletableFuture<Void> refresh(List<Provider> candidates) {
        Instant now = clock.instant();
        List<CompletableFuture<Listing>> fetches = new ArrayList<>();
        for (Provider provider : candidates) {
            if (provider.isFederated() && provider.baseUrl().isPresent()) {
                Server server = servers.computeIfAbsent(provider.id(), id -> new Server());
                Listing listing = server.listing;
                if (listing == null || !now.isBefore(listing.until())) {
                    fetches.add(refresh(provider, server));
                }
            }
        }
        return CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new));
    }

    @Override
    public Optional<List<Operation>> tools(Provider server) {
        return Optional.ofNullable(available(List.of(server)).get(server.id()));
    }

    @Override
    public Optional<List<Operation>> cached(Provider server) {
        Server state = servers.get(server.id());
        Listing listing = state == null ? null : state.listing;
        return listing != null && listing.ok() ? Optional.of(listing.tools()) : Optional.empty();
    }

    /** The running fetch of this server's tools, or a new one. */
    private CompletableFuture<Listing> refresh(Provider provider, Server server) {
        synchronized (server) {
            if (server.fetch == null || server.fetch.isDone()) {
                server.fetch = CompletableFuture.supplyAsync(() -> {
                    Listing listing = fetch(provider);
                    server.listing = listing;
                    return listing;
                }, background);
            }
            return server.fetch;
        }
    }

    private Listing fetch(Provider provider) {
        try {
            List<Operation> tools = DiscoveredTools.operations(provider, listWithPlatformToken(provider));
            LOG.info("federated tools discovered", "provider", provider.id(), "tools", tools.size());
            return new Listing(tools, clock.instant().plus(settings.ttl()));
        } catch (RuntimeException e) {
            LOG.warn("federated MCP server unavailable; left out of listings", "provider", provider.id(),
                    "reason", reason(e), "retry_in_s", settings.retryAfterFailure().toSeconds());
            return new Listing(null, clock.instant().plus(settings.retryAfterFailure()));
        }
    }

    private List<McpSchema.Tool> listWithPlatformToken(Provider provider) {
        if (provider.auth().needsSecret() && provider.platformKey()
                && vault.platformProviders().contains(provider.id())) {
            Optional<List<McpSchema.Tool>> listed = vault.usePlatformSecret(provider.id(),
                    secret -> list(provider, secret.reveal()));
            if (listed.isPresent()) {
                return listed.get();
            }
        }
        return list(provider, null);
    }

    private List<McpSchema.Tool> list(Provider provider, String token) {
        McpSyncClient client = sessions.open(provider, provider.baseUrl().orElseThrow(), token,
                settings.fetchTimeout(), settings.fetchTimeout());
        try {
            client.initialize();
            List<McpSchema.Tool> tools = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                McpSchema.ListToolsResult page = client.listTools(cursor);
                if (page.tools() != null) {
                    tools.addAll(page.tools());
                }
                cursor = page.nextCursor();
            } while (cursor != null && !cursor.isEmpty() && ++pages < MAX_PAGES
                    && tools.size() < DiscoveredTools.MAX_TOOLS);
            return tools;
        } finally {
            client.closeGracefully();
        }
    }

    /** After a call found the server unreachable: out of listings until the next retry. */
    private void markUnreachable(Provider provider) {
        servers.computeIfAbsent(provider.id(), id -> new Server()).listing =
                new Listing(null, clock.instant().plus(settings.retryAfterFailure()));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Calls
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public UpstreamResponse call(Provider provider, Operation operation, ObjectNode input, Secret secret) {
        String endpoint = provider.baseUrl().orElseThrow(() -> ToolDirectory.unavailable(provider));
        String upstreamName = operation.upstreamTool()
                .orElseThrow(() -> new IllegalArgumentException(operation.toolName() + " is not a federated tool")).name();
        Duration timeout = operation.timeout();
        Duration initialization = min(MAX_INITIALIZATION, timeout.dividedBy(3));
        long started = System.nanoTime();
        McpSyncClient client = sessions.open(provider, endpoint, secret == null ? null : secret.reveal(),
                initialization, timeout.minus(initialization));
        try {
            client.initialize();
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(upstreamName,
                    McpJson.MAPPER.convertValue(input, McpJson.MAP_TYPE)));
            return new UpstreamResponse(200, Map.of("content-type", "application/json"), body(result),
                    elapsedMs(started));
        } catch (RuntimeException e) {
            return failure(provider, e, timeout, started);
        } finally {
            endInBackground(client);
        }
    }

    /** Ends the upstream session (its DELETE) without holding the caller. */
    private void endInBackground(McpSyncClient client) {
        try {
            background.execute(client::closeGracefully);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            client.close();
        }
    }

    /** The {@code result} of a call: the server's content, structured content and isError, nothing of its _meta. */
    private static byte[] body(McpSchema.CallToolResult result) {
        // Written as a whole: content items carry their "type" only when written as CallToolResult's content.
        ObjectNode written = McpJson.MAPPER.valueToTree(result);
        ObjectNode out = McpJson.MAPPER.createObjectNode();
        out.set("content", written.has("content") ? written.get("content") : McpJson.MAPPER.createArrayNode());
        if (written.hasNonNull("structuredContent")) {
            out.set("structuredContent", written.get("structuredContent"));
        }
        out.put("isError", Boolean.TRUE.equals(result.isError()));
        try {
            return McpJson.MAPPER.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a tool result", e);
        }
    }

    /** A failed call as the HTTP answer it amounts to, or the Tollgate error it is. Never echoes the SDK's message. */
    private UpstreamResponse failure(Provider provider, RuntimeException e, Duration timeout, long started) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof McpHttpClientTransportAuthorizationException refused) {
                return answer(refused.getResponseInfo().statusCode(), null, started);
            }
            if (cause instanceof McpError error) {
                McpSchema.JSONRPCResponse.JSONRPCError rpc = error.getJsonRpcError();
                int code = rpc == null || rpc.code() == null ? McpSchema.ErrorCodes.INTERNAL_ERROR : rpc.code();
                boolean serverFault = code == McpSchema.ErrorCodes.INTERNAL_ERROR || (code <= -32000 && code >= -32099);
                return answer(serverFault ? 502 : 400, rpc == null ? null : rpc.message(), started);
            }
            if (cause instanceof TimeoutException) {
                throw new TollgateException(ErrorCode.UPSTREAM_TIMEOUT, provider.name() + " did not answer within "
                        + timeout.toMillis() / 1000.0 + " seconds; nothing was charged");
            }
            if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException
                    || cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException
                    || cause instanceof NoRouteToHostException) {
                markUnreachable(provider);
                LOG.warn("federated MCP server unreachable", "provider", provider.id(),
                        "reason", cause.getClass().getSimpleName());
                throw ToolDirectory.unavailable(provider);
            }
        }
        LOG.warn("federated tool call failed", "provider", provider.id(), "reason", reason(e));
        return answer(502, null, started);
    }

    private static UpstreamResponse answer(int status, String message, long started) {
        byte[] body = new byte[0];
        if (message != null) {
            ObjectNode error = McpJson.MAPPER.createObjectNode();
            error.putObject("error").put("message", message);
            body = error.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return new UpstreamResponse(status, Map.of("content-type", "application/json"), body, elapsedMs(started));
    }

    /** The kind of failure, for logs: class names down the cause chain, no message (it may carry server text). */
    private static String reason(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable cause = e; cause != null && out.length() < 200; cause = cause.getCause()) {
            out.append(out.length() == 0 ? "" : " < ").append(cause.getClass().getSimpleName());
        }
        return out.toString();
    }

    private static long elapsedMs(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Loads the SDK client's classes and writes a tool result, without any I/O (SnapStart priming). */
    @Override
    public void warmUp() {
        sessions.warmUp();
        body(McpSchema.CallToolResult.builder().addTextContent("priming").isError(false).build());
    }

    /** Lets sessions that are ending (their DELETE in flight) finish, briefly; Lambda containers never call it. */
    @Override
    public void close() {
        background.shutdown();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        background.shutdownNow();
    }
}
