package dev.tollgate.catalog;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the catalog says about a federated MCP server (a provider of {@code "kind": "mcp"}, SPEC 12.3). Its operations
 * are not in the catalog: they are the tools the server lists, discovered at run time, each offered as
 * {@code {provider}_{tool}} and priced alike.
 *
 * @param pricing      {@code free}, {@code per_call} or {@code byok_only}, for every tool of the server
 * @param timeout      deadline of one tool call, session set-up included
 * @param toolNames    the upstream tool names offered; empty means every tool the server lists
 */
public record FederatedServer(Pricing pricing, Duration timeout, List<String> toolNames) {

    public FederatedServer {
        Objects.requireNonNull(pricing, "pricing");
        Objects.requireNonNull(timeout, "timeout");
        toolNames = List.copyOf(toolNames);
    }

    /** Whether the catalog lets this upstream tool through. */
    public boolean offers(String upstreamToolName) {
        return toolNames.isEmpty() || toolNames.contains(upstreamToolName);
    }
}
