package dev.tollgate.catalog;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every operation a caller can reach through any door (REST, MCP, A2A, OpenAI tool calls): the catalog's own and the
 * tools of federated MCP servers that answer now, in catalog order. The one place where a tool name or a
 * {@code (tool, operation)} pair is resolved, so a federated tool is listed, exported and callable wherever a catalog
 * operation is. Thread-safe; lookups of federated tools wait at most the federation's listing budget.
 */
public final class ToolDirectory {
    /** A tool name split into the provider and the operation it names; nothing is known yet about their existence. */
    public record ToolName(String tool, String operation) {
    }

    private final ProviderCatalog catalog;
    private final FederatedTools federated;
    private final List<Provider> servers;

    public ToolDirectory(ProviderCatalog catalog, FederatedTools federated) {
        this.catalog = catalog;
        this.federated = federated;
        this.servers = catalog.providers().stream().filter(Provider::isFederated).toList();
    }

    /** The catalog alone, without federated servers. */
    public static ToolDirectory of(ProviderCatalog catalog) {
        return new ToolDirectory(catalog, FederatedTools.NONE);
    }

    /** Fetches the federated servers' tool lists now; completes when every server answered or failed. */
    public java.util.concurrent.CompletableFuture<Void> refreshFederated() {
        return federated.refresh(servers);
    }

    public ProviderCatalog catalog() {
        return catalog;
    }

    public Optional<Provider> provider(String id) {
        return catalog.provider(id);
    }

    /**
     * The operations of every provider that can be called now, by provider in catalog order: a federated server
     * appears only if it answered (within the budget). A2A skills and tool listings are built from this.
     */
    public Map<Provider, List<Operation>> operationsByProvider() {
        Map<String, List<Operation>> discovered = servers.isEmpty() ? Map.of() : federated.available(servers);
        Map<Provider, List<Operation>> out = new LinkedHashMap<>();
        for (Provider p : catalog.providers()) {
            List<Operation> ops = p.isFederated() ? discovered.get(p.id()) : p.operations();
            if (ops != null && !ops.isEmpty()) {
                out.put(p, ops);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Every operation that can be called now, in catalog order. */
    public List<Operation> operations() {
        if (servers.isEmpty()) {
            return catalog.operations();
        }
        List<Operation> all = new ArrayList<>();
        operationsByProvider().values().forEach(all::addAll);
        return Collections.unmodifiableList(all);
    }

    /**
     * The operation {@code operation} of provider {@code tool}.
     *
     * @return empty if there is no such provider or operation
     * @throws TollgateException {@code provider_unavailable} (503) if {@code tool} is a federated MCP server that is
     *                           not configured or cannot be reached now
     */
    public Optional<Operation> operation(String tool, String operation) {
        Optional<Provider> provider = catalog.provider(tool);
        if (provider.isEmpty() || !provider.get().isFederated()) {
            return catalog.operation(tool, operation);
        }
        List<Operation> tools = federated.tools(provider.get()).orElseThrow(() -> unavailable(provider.get()));
        return tools.stream().filter(op -> op.id().equals(operation)).findFirst();
    }

    /** Like {@link #operation} but never waits for a federated server: what is known from its last listing. */
    public Optional<Operation> cachedOperation(String tool, String operation) {
        Optional<Provider> provider = catalog.provider(tool);
        if (provider.isEmpty() || !provider.get().isFederated()) {
            return catalog.operation(tool, operation);
        }
        return federated.cached(provider.get()).orElse(List.of()).stream()
                .filter(op -> op.id().equals(operation)).findFirst();
    }

    /**
     * Splits an MCP/OpenAI tool name ({@code {provider}_{operation}}) without calling any server: a catalog
     * operation's name, or the name of a federated server followed by {@code _} and a tool name. Provider ids hold no
     * {@code _}, so the split is unambiguous.
     */
    /** The provider a tool name calls, or null when it names none: a door's hint for its entry read. */
    public String providerOf(String toolName) {
        return parse(toolName).map(ToolName::tool).orElse(null);
    }

    public Optional<ToolName> parse(String toolName) {
        if (toolName == null) {
            return Optional.empty();
        }
        Optional<Operation> catalogOperation = catalog.operationByToolName(toolName);
        if (catalogOperation.isPresent()) {
            return Optional.of(new ToolName(catalogOperation.get().tool(), catalogOperation.get().id()));
        }
        int underscore = toolName.indexOf('_');
        if (underscore <= 0 || underscore == toolName.length() - 1) {
            return Optional.empty();
        }
        String tool = toolName.substring(0, underscore);
        return catalog.provider(tool).filter(Provider::isFederated)
                .map(p -> new ToolName(tool, toolName.substring(underscore + 1)));
    }

    /**
     * The operation behind an MCP/OpenAI tool name.
     *
     * @throws TollgateException {@code provider_unavailable} as {@link #operation}
     */
    public Optional<Operation> operationByToolName(String toolName) {
        return parse(toolName).flatMap(name -> operation(name.tool(), name.operation()));
    }

    public static TollgateException unavailable(Provider provider) {
        return new TollgateException(ErrorCode.PROVIDER_UNAVAILABLE, provider.name()
                + " (a federated MCP server) is not configured or not reachable right now; nothing was charged. "
                + "Retry later", Map.of("provider", provider.id()));
    }
}
