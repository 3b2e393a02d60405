package dev.tollgate.mcp;

import dev.tollgate.config.Config;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Configuration of the MCP endpoint.
 *
 * @param allowedOrigins browser origins allowed to call {@code /mcp} ({@code TOLLGATE_MCP_ALLOWED_ORIGINS},
 *                       comma-separated, e.g. {@code https://app.example.com}); a request with any other
 *                       {@code Origin} header is refused with 403. Requests without {@code Origin} (every non-browser
 *                       client) are not affected. Empty by default.
 * @param pageSize       tools per {@code tools/list} page ({@code TOLLGATE_MCP_PAGE_SIZE}, 2..100, default 50)
 * @param serverVersion  {@code serverInfo.version} ({@code TOLLGATE_VERSION})
 */
public record McpSettings(Set<String> allowedOrigins, int pageSize, String serverVersion) {
    public static final int DEFAULT_PAGE_SIZE = 50;

    public McpSettings {
        allowedOrigins = allowedOrigins.stream().map(McpSettings::normalizeOrigin).collect(Collectors.toUnmodifiableSet());
        if (pageSize < 2 || pageSize > 100) {
            throw new IllegalStateException("TOLLGATE_MCP_PAGE_SIZE must be between 2 and 100");
        }
    }

    public static McpSettings from(Config config) {
        Set<String> origins = Arrays.stream(config.get("TOLLGATE_MCP_ALLOWED_ORIGINS", "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
        return new McpSettings(origins, config.getInt("TOLLGATE_MCP_PAGE_SIZE", DEFAULT_PAGE_SIZE),
                config.get("TOLLGATE_VERSION", "0.1.0"));
    }

    public boolean originAllowed(String origin) {
        return allowedOrigins.contains(normalizeOrigin(origin));
    }

    /** Origins compare as RFC 6454 serialisations: scheme and host are case-insensitive; a trailing slash is noise. */
    static String normalizeOrigin(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
