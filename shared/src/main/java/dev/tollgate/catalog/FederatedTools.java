package dev.tollgate.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The tools of federated MCP servers (SPEC 12.3), as operations. Implementations discover them from the servers and
 * cache them; every method returns within a bounded time, and a server that is not configured, does not answer, or
 * answers with an error is simply absent: it never breaks the rest of the catalog.
 */
public interface FederatedTools {

    /** Nothing federated: every federated provider is unavailable. */
    FederatedTools NONE = new FederatedTools() {
        @Override
        public Map<String, List<Operation>> available(List<Provider> servers) {
            return Map.of();
        }

        @Override
        public Optional<List<Operation>> tools(Provider server) {
            return Optional.empty();
        }

        @Override
        public Optional<List<Operation>> cached(Provider server) {
            return Optional.empty();
        }

        @Override
        public CompletableFuture<Void> refresh(List<Provider> servers) {
            return CompletableFuture.completedFuture(null);
        }
    };

    /** The tools of each server that is reachable, by provider id, waiting for all of them together within a budget. */
    Map<String, List<Operation>> available(List<Provider> servers);

    /** One server's tools, fetched if the cached list is stale; empty if it is unavailable. */
    Optional<List<Operation>> tools(Provider server);

    /** One server's tools as last fetched, without waiting for the server; empty if none are known. */
    Optional<List<Operation>> cached(Provider server);

    /**
     * Starts fetching the tools of every server whose list is stale; completes when each has answered or failed.
     * Listings never need it (they wait within their budget); a runner calls it at start so that the first listing
     * finds the lists ready, and tests use it to wait for discovery without sleeping.
     */
    CompletableFuture<Void> refresh(List<Provider> servers);
}
