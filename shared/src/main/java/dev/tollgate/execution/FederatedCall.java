package dev.tollgate.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ToolDirectory;
import dev.tollgate.vault.Secret;

/**
 * The upstream call for a tool of a federated MCP server (SPEC 12.3): what {@link CatalogAdapter} and
 * {@link UpstreamClient} are for a catalog HTTP API. The answer has the shape of an HTTP exchange — 200 with the
 * {@code CallToolResult} as JSON, or the upstream's refusal (401/403, a JSON-RPC error as 400/502) — so that the
 * execution engine maps it to billing and errors exactly as for any provider.
 */
public interface FederatedCall {

    /** No federated servers in this container: every call is {@code provider_unavailable}. */
    FederatedCall NONE = (provider, operation, input, secret) -> {
        throw ToolDirectory.unavailable(provider);
    };

    /**
     * Calls the tool in a session of its own.
     *
     * @param secret the BYOK or platform token, or null for a server without auth
     * @throws dev.tollgate.domain.TollgateException {@code provider_unavailable} if the server cannot be reached,
     *                                               {@code upstream_timeout} past the tool's timeout
     */
    UpstreamResponse call(Provider provider, Operation operation, ObjectNode input, Secret secret);

    /** Loads what the first call would, without any I/O (SnapStart priming). */
    default void warmUp() {
    }
}
