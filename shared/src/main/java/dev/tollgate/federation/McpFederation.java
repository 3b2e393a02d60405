package dev.tollgate.federation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.FederatedTools;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ToolDirectory;
import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.FederatedCall;
import dev.tollgate.execution.Upstream;
import dev.tollgate.execution.UpstreamOutcomeUnknownException;
import dev.tollgate.execution.UpstreamResponse;
import dev.tollgate.log.Log;
import dev.tollgate.log.SecretRedactor;
import dev.tollgate.mcp.McpJson;
import dev.tollgate.vault.KeyVault;
import dev.tollgate.vault.Secret;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Federated MCP servers (SPEC 12.3): their tools, discovered and cached per container, and the calls of those tools,
 * each in a {@link McpSession} of its own over the container's one guarded {@link Upstream} client.
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
 * never mixes two customers' state; the tool's timeout is the deadline of the whole session (set-up included), and the
 * session ends in the background after the answer. The answer has the shape of an HTTP exchange for the execution
 * engine, which redacts the secrets in play from it: 200 with the {@code CallToolResult} (an {@code isError} result
 * included: the tool ran, so it is billed like any result), the server's own answer for a refused token (401/403),
 * a redirect or a rate limit, 400 for a JSON-RPC error of the request (unknown tool, invalid params) and 502 for one
 * of the server or an answer outside the protocol. A server that cannot be reached is {@code provider_unavailable}
 * (and is left out of listings until it is retried); one that does not answer in time is {@code upstream_timeout},
 * marked as an unknown outcome once the {@code tools/call} itself was sent.
 */
public final class McpFederation implements FederatedTools, FederatedCall, AutoCloseable {
    private static final Log LOG = Log.get(McpFederation.class);
    private static final int MAX_PAGES = 10;
    private static final TypeReference<List<McpSchema.Tool>> TOOLS = new TypeReference<>() {
    };

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
     * @param upstream the container's one upstream client: every request to a server goes through it
     * @param vault    lends the platform token for listings of servers that need one
     */
    public McpFederation(Upstream upstream, KeyVault vault, Clock clock, Settings settings, String tollgateVersion) {
        this.sessions = new McpSessions(upstream, tollgateVersion);
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
        // Each request within the fetch timeout, and the whole listing within one per page and one for the set-up.
        long deadline = System.nanoTime() + settings.fetchTimeout().toNanos() * (MAX_PAGES + 1);
        try (McpSession session = sessions.open(provider, provider.baseUrl().orElseThrow(), token,
                settings.fetchTimeout(), deadline)) {
            session.initialize();
            List<McpSchema.Tool> tools = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                McpSchema.ListToolsResult page = session.listTools(cursor);
                if (page.tools() != null) {
                    tools.addAll(page.tools());
                }
                cursor = page.nextCursor();
            } while (cursor != null && !cursor.isEmpty() && ++pages < MAX_PAGES
                    && tools.size() < DiscoveredTools.MAX_TOOLS);
            return token == null ? tools : withoutSecret(tools, token);
        }
    }

    /**
     * The tools with every echo of the platform token they were listed with redacted: what a server puts in a tool's
     * description or schema is shown to every customer, so it is treated like any answer that carried a secret.
     */
    private static List<McpSchema.Tool> withoutSecret(List<McpSchema.Tool> tools, String token) {
        try {
            byte[] listed = McpJson.MAPPER.writeValueAsBytes(tools);
            byte[] redacted = SecretRedactor.of(token).redact(listed);
            return redacted == listed ? tools : McpJson.MAPPER.readValue(redacted, TOOLS);
        } catch (IOException e) {
            throw new McpSession.Malformed("the server's tool list cannot be read back once redacted");
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
        long started = System.nanoTime();
        McpSession session = sessions.open(provider, endpoint, secret == null ? null : secret.reveal(), timeout,
                started + timeout.toNanos());
        try {
            try {
                session.initialize();
            } catch (TollgateException e) {
                throw transportFailure(provider, e, timeout, false);
            }
            McpSchema.CallToolResult result;
            try {
                result = session.callTool(upstreamName, McpJson.MAPPER.convertValue(input, McpJson.MAP_TYPE));
            } catch (TollgateException e) {
                throw transportFailure(provider, e, timeout, true);
            }
            return new UpstreamResponse(200, Map.of("content-type", "application/json"), body(result),
                    elapsedMs(started));
        } catch (McpSession.Refused e) {
            return refusal(provider, e.response());
        } catch (McpSession.RpcError e) {
            return answer(e.serverFault() ? 502 : 400, e.serverMessage(), started);
        } catch (McpSession.Malformed e) {
            LOG.warn("federated MCP server answered outside the protocol", "provider", provider.id(),
                    "reason", e.getMessage());
            return answer(502, null, started);
        } finally {
            endInBackground(session);
        }
    }

    /** Ends the upstream session (its DELETE) without holding the caller. */
    private void endInBackground(McpSession session) {
        try {
            background.execute(session::close);
        } catch (RejectedExecutionException closing) {
            // This federation is closing: the server ends the idle session on its own.
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
            // A number Jackson refuses to write plainly (an exponent past 9999), for one.
            throw new McpSession.Malformed("the server's tool result cannot be written as JSON");
        }
    }

    /**
     * What the upstream client's failure means for this call. A request that never left (connection refused, unknown
     * host) takes the server out of listings until its retry: {@code provider_unavailable}. A timeout or a broken
     * connection is an unknown outcome only once the {@code tools/call} was sent; before, the tool certainly did not
     * run. A body over the cap stays what it is.
     */
    private TollgateException transportFailure(Provider provider, TollgateException e, Duration timeout,
                                               boolean toolCalled) {
        boolean unknownOutcome = e instanceof UpstreamOutcomeUnknownException;
        if (e.code() == ErrorCode.UPSTREAM_ERROR && !unknownOutcome) {
            markUnreachable(provider);
            LOG.warn("federated MCP server unreachable", "provider", provider.id(), "reason", e.getMessage());
            return ToolDirectory.unavailable(provider);
        }
        if (e.code() == ErrorCode.UPSTREAM_TIMEOUT) {
            String late = provider.name() + " did not answer within " + timeout.toMillis() / 1000.0 + " seconds";
            return toolCalled && unknownOutcome
                    ? new UpstreamOutcomeUnknownException(ErrorCode.UPSTREAM_TIMEOUT, late
                            + "; it may still have acted on the request. Nothing was charged")
                    : new TollgateException(ErrorCode.UPSTREAM_TIMEOUT, late + "; nothing was charged");
        }
        if (unknownOutcome) {
            // Not the server's answer: the exchange broke after it left (its exception's class is in the message).
            LOG.warn("federated MCP server connection broke", "provider", provider.id(), "during",
                    toolCalled ? "tools/call" : "session setup", "reason", e.getMessage());
        }
        if (unknownOutcome && !toolCalled) {
            return new TollgateException(ErrorCode.UPSTREAM_ERROR, "The connection to " + provider.name()
                    + " broke while the session was set up, before the tool was called; nothing was charged");
        }
        return e;
    }

    /**
     * A refused HTTP request of the session, as the answer the engine maps: a refused token, a redirect and a rate
     * limit as the server sent them; anything else the server's failure (502, or its own 5xx), since a transport-level
     * refusal (a session the server lost, a header it rejects) is not the caller's input at fault.
     */
    private static UpstreamResponse refusal(Provider provider, UpstreamResponse refused) {
        int status = refused.status();
        if (status == 401 || status == 403 || status == 429 || (status >= 300 && status < 400) || status >= 500) {
            return refused;
        }
        LOG.warn("federated MCP server refused a request of the session", "provider", provider.id(),
                "provider_status", status);
        return new UpstreamResponse(502, refused.headers(), refused.body(), refused.elapsedMs());
    }

    private static UpstreamResponse answer(int status, String message, long started) {
        byte[] body = new byte[0];
        if (message != null) {
            ObjectNode error = McpJson.MAPPER.createObjectNode();
            error.putObject("error").put("message", message);
            body = error.toString().getBytes(StandardCharsets.UTF_8);
        }
        return new UpstreamResponse(status, Map.of("content-type", "application/json"), body, elapsedMs(started));
    }

    /**
     * The kind of failure, for logs: the session's own words, the upstream client's error code, and class names down
     * the cause chain for anything else (its message may carry server text).
     */
    private static String reason(Throwable e) {
        if (e instanceof McpSession.Failure) {
            return e.getMessage();
        }
        if (e instanceof TollgateException tollgate) {
            return tollgate.code().code();
        }
        StringBuilder out = new StringBuilder();
        for (Throwable cause = e; cause != null && out.length() < 200; cause = cause.getCause()) {
            out.append(out.length() == 0 ? "" : " < ").append(cause.getClass().getSimpleName());
        }
        return out.toString();
    }

    private static long elapsedMs(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** Runs a session against canned answers and writes its tool result, without any I/O (SnapStart priming). */
    @Override
    public void warmUp() {
        body(sessions.warmUp());
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
