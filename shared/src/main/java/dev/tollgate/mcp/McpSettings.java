package dev.tollgate.mcp;

import dev.tollgate.config.Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Configuration of the MCP endpoint.
 *
 * @param allowedOrigins         browser origins allowed to call {@code /mcp} ({@code TOLLGATE_MCP_ALLOWED_ORIGINS},
 *                               comma-separated, e.g. {@code https://app.example.com}); a request with any other
 *                               {@code Origin} header is refused with 403. Requests without {@code Origin} (every
 *                               non-browser client) are not affected. Empty by default.
 * @param loopbackOriginsAllowed also allow {@code http://localhost}, {@code http://127.0.0.1} and {@code http://[::1]}
 *                               on any port ({@code TOLLGATE_MCP_ALLOW_LOOPBACK_ORIGINS}): set by the local runner
 *                               only, so that a browser-based client such as MCP Inspector on another local port can
 *                               connect; template.yaml never sets it, so deployed the allow-list is all there is
 * @param pageSize               tools per {@code tools/list} page ({@code TOLLGATE_MCP_PAGE_SIZE}, 2..100, default 50)
 * @param serverVersion          {@code serverInfo.version} ({@code TOLLGATE_VERSION})
 * @param limits                 how much one POST may do
 */
public record McpSettings(Set<String> allowedOrigins, boolean loopbackOriginsAllowed, int pageSize, String serverVersion,
                          Limits limits) {
    public static final int DEFAULT_PAGE_SIZE = 50;
    private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    /**
     * What one POST may ask for, so that a single request cannot fan out into an unbounded number of upstream calls or
     * be cut off by the function's timeout halfway through.
     *
     * @param maxBatch          messages in one JSON-RPC batch ({@code TOLLGATE_MCP_MAX_BATCH}, default 50); a larger
     *                          batch is refused whole, before anything in it runs
     * @param maxPaidCalls      {@code tools/call}s of operations that are not free, per POST
     *                          ({@code TOLLGATE_MCP_MAX_PAID_CALLS}, default 16, as many as SPEC §12.2 allows per
     *                          request); each one beyond is answered with a JSON-RPC error and not run
     * @param callReserveMillis time a call needs beyond its upstream timeout to settle its hold and answer
     *                          ({@code TOLLGATE_MCP_CALL_RESERVE_MS}, default 1000): a call after the first of a POST
     *                          starts only if the function has its operation's timeout plus this much left
     */
    public record Limits(int maxBatch, int maxPaidCalls, long callReserveMillis) {
        public static final Limits DEFAULTS = new Limits(50, 16, 1_000);

        public Limits {
            if (maxBatch < 1 || maxBatch > 1_000) {
                throw new IllegalStateException("TOLLGATE_MCP_MAX_BATCH must be between 1 and 1000");
            }
            if (maxPaidCalls < 1 || maxPaidCalls > 1_000) {
                throw new IllegalStateException("TOLLGATE_MCP_MAX_PAID_CALLS must be between 1 and 1000");
            }
            if (callReserveMillis < 0) {
                throw new IllegalStateException("TOLLGATE_MCP_CALL_RESERVE_MS must not be negative");
            }
        }

        static Limits from(Config config) {
            return new Limits(config.getInt("TOLLGATE_MCP_MAX_BATCH", DEFAULTS.maxBatch),
                    config.getInt("TOLLGATE_MCP_MAX_PAID_CALLS", DEFAULTS.maxPaidCalls),
                    config.getLong("TOLLGATE_MCP_CALL_RESERVE_MS", DEFAULTS.callReserveMillis));
        }
    }

    public McpSettings {
        allowedOrigins = allowedOrigins.stream().map(McpSettings::normalizeOrigin).collect(Collectors.toUnmodifiableSet());
        if (pageSize < 2 || pageSize > 100) {
            throw new IllegalStateException("TOLLGATE_MCP_PAGE_SIZE must be between 2 and 100");
        }
    }

    /** The deployed shape: only the allow-list, default limits. */
    public McpSettings(Set<String> allowedOrigins, int pageSize, String serverVersion) {
        this(allowedOrigins, false, pageSize, serverVersion, Limits.DEFAULTS);
    }

    public static McpSettings from(Config config) {
        Set<String> origins = Arrays.stream(config.get("TOLLGATE_MCP_ALLOWED_ORIGINS", "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        return new McpSettings(origins, config.getBoolean("TOLLGATE_MCP_ALLOW_LOOPBACK_ORIGINS", false),
                config.getInt("TOLLGATE_MCP_PAGE_SIZE", DEFAULT_PAGE_SIZE), config.get("TOLLGATE_VERSION", "0.1.0"),
                Limits.from(config));
    }

    public boolean originAllowed(String origin) {
        String normalized = normalizeOrigin(origin);
        return allowedOrigins.contains(normalized) || (loopbackOriginsAllowed && isLoopbackOrigin(normalized));
    }

    /** {@code http://localhost}, {@code http://127.0.0.1} or {@code http://[::1]}, with or without a port. */
    static boolean isLoopbackOrigin(String normalizedOrigin) {
        try {
            URI uri = new URI(normalizedOrigin);
            String authority = uri.getRawAuthority();
            return "http".equals(uri.getScheme()) && authority != null && uri.getRawUserInfo() == null
                    && LOOPBACK_HOSTS.contains(authority.replaceFirst(":[0-9]{1,5}$", ""))
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** Origins compare as RFC 6454 serialisations: scheme and host are case-insensitive; a trailing slash is noise. */
    static String normalizeOrigin(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
