package dev.tollgate.catalog;

import dev.tollgate.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every provider and operation Tollgate can call, read once per container from {@code catalog.json} on the
 * classpath. Adding a provider whose auth style exists is a catalog entry, not a code change. Immutable and safe to
 * share between threads.
 */
public final class ProviderCatalog {
    static final String RESOURCE = "/catalog.json";

    private final List<Provider> providers;
    private final Map<String, Provider> byId;
    private final Map<String, Operation> byToolName;
    private final List<Operation> operations;

    private ProviderCatalog(List<Provider> providers) {
        this.providers = List.copyOf(providers);
        Map<String, Provider> ids = new LinkedHashMap<>();
        Map<String, Operation> tools = new LinkedHashMap<>();
        for (Provider p : providers) {
            ids.put(p.id(), p);
            p.operations().forEach(op -> tools.put(op.toolName(), op));
        }
        this.byId = Map.copyOf(ids);
        this.byToolName = Map.copyOf(tools);
        this.operations = List.copyOf(tools.values());
    }

    /**
     * Loads the bundled catalog, applying {@code TOLLGATE_UPSTREAM_<ID>_URL} overrides from {@code config}.
     *
     * @throws InvalidCatalogException if the catalog or an override is invalid
     */
    public static ProviderCatalog load(Config config) {
        try (InputStream in = ProviderCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new InvalidCatalogException("catalog: " + RESOURCE + " is not on the classpath");
            }
            return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * Parses a catalog document; used by {@link #load} and by tests.
     *
     * @throws InvalidCatalogException if the catalog or an override is invalid
     */
    public static ProviderCatalog fromJson(String json, Config config) {
        return new ProviderCatalog(CatalogParser.parse(json, config));
    }

    public Optional<Provider> provider(String id) {
        return Optional.ofNullable(id == null ? null : byId.get(id));
    }

    /** In catalog order. */
    public List<Provider> providers() {
        return providers;
    }

    public Optional<Operation> operation(String tool, String operation) {
        return provider(tool).flatMap(p -> p.operation(operation));
    }

    /** The operation behind an MCP/OpenAI tool name such as {@code openai_chat_completion}. */
    public Optional<Operation> operationByToolName(String toolName) {
        return Optional.ofNullable(toolName == null ? null : byToolName.get(toolName));
    }

    /** Every operation of every provider, in catalog order. */
    public List<Operation> operations() {
        return operations;
    }

    /** Providers a customer may register a key for, in catalog order. */
    public List<Provider> byokProviders() {
        return providers.stream().filter(Provider::byok).toList();
    }

    /** Providers Tollgate sells with its own key for credits, in catalog order; free tools are not among them. */
    public List<Provider> creditProviders() {
        return providers.stream().filter(p -> p.platformKey() && !p.isFree()).toList();
    }
}
