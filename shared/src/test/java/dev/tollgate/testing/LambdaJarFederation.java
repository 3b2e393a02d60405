package dev.tollgate.testing;

import dev.tollgate.testkit.McpTestServer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the federation client from a shaded Lambda jar alone (its own class loader over the platform's): discovers the
 * tools of a real MCP server (the SDK's, in this process) and calls one through the jar's upstream client, so a shade
 * filter that dropped a class Tollgate's MCP client or the SDK's schema types need fails here, not in Lambda. It also
 * checks that the jar ships neither the SDK's client nor reactor, which the federation no longer uses.
 */
public final class LambdaJarFederation {
    private LambdaJarFederation() {
    }

    /** What the jar saw: the tool names it discovered and the HTTP status of one forwarded call. */
    public record Seen(List<String> toolNames, int callStatus) {
    }

    /** Classes that must not be in a function jar: the MCP SDK's client side and Project Reactor. */
    private static final List<String> LEFT_OUT = List.of("io/modelcontextprotocol/client/McpSyncClient.class",
            "io/modelcontextprotocol/client/transport/HttpClientStreamableHttpTransport.class",
            "io/modelcontextprotocol/spec/McpClientSession.class", "reactor/core/publisher/Mono.class");

    public static Seen discoverAndCall(Path jar) throws Exception {
        try (URLClassLoader jarOnly = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String resource : LEFT_OUT) {
                if (jarOnly.findResource(resource) != null) {
                    throw new AssertionError(jar.getFileName() + " ships " + resource);
                }
            }
        }
        try (McpTestServer server = McpTestServer.start(0, List.of(McpTestServer.Endpoint.open("/mcp",
                McpTestServer.demoTools())));
             URLClassLoader jarOnly = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                     ClassLoader.getPlatformClassLoader())) {
            Class<?> configType = jarOnly.loadClass("dev.tollgate.config.Config");
            Object config = configType.getMethod("of", Map.class).invoke(null,
                    Map.of("TOLLGATE_UPSTREAM_PLAYWRIGHT_URL", server.url("/mcp").toString()));
            Class<?> catalogType = jarOnly.loadClass("dev.tollgate.catalog.ProviderCatalog");
            Object catalog = catalogType.getMethod("load", configType).invoke(null, config);
            Object provider = ((Optional<?>) catalogType.getMethod("provider", String.class).invoke(catalog, "playwright"))
                    .orElseThrow();
            Class<?> providerType = jarOnly.loadClass("dev.tollgate.catalog.Provider");
            Class<?> settingsType = jarOnly.loadClass("dev.tollgate.federation.McpFederation$Settings");
            Class<?> federationType = jarOnly.loadClass("dev.tollgate.federation.McpFederation");
            Object upstream = jarOnly.loadClass("dev.tollgate.execution.UpstreamClient").getConstructor(boolean.class)
                    .newInstance(true);
            Object federation = federationType.getConstructor(jarOnly.loadClass("dev.tollgate.execution.Upstream"),
                            jarOnly.loadClass("dev.tollgate.vault.KeyVault"), Clock.class, settingsType, String.class)
                    .newInstance(upstream, null, Clock.systemUTC(),
                            settingsType.getMethod("from", configType).invoke(null, config), "lambda-jar-test");
            try {
                ((CompletableFuture<?>) federationType.getMethod("refresh", List.class)
                        .invoke(federation, List.of(provider))).join();
                List<?> operations = (List<?>) ((Optional<?>) federationType.getMethod("tools", providerType)
                        .invoke(federation, provider)).orElseThrow();
                List<String> names = new ArrayList<>();
                Object echo = null;
                for (Object op : operations) {
                    String name = (String) op.getClass().getMethod("toolName").invoke(op);
                    names.add(name);
                    if (name.equals("playwright_echo")) {
                        echo = op;
                    }
                }
                Object input = jarOnly.loadClass("dev.tollgate.json.Json").getMethod("object").invoke(null);
                input.getClass().getMethod("put", String.class, String.class).invoke(input, "text", "from the jar");
                Object response = federationType.getMethod("call", providerType, jarOnly.loadClass("dev.tollgate.catalog.Operation"),
                                jarOnly.loadClass("com.fasterxml.jackson.databind.node.ObjectNode"),
                                jarOnly.loadClass("dev.tollgate.vault.Secret"))
                        .invoke(federation, provider, echo, input, null);
                return new Seen(names, (Integer) response.getClass().getMethod("status").invoke(response));
            } finally {
                federationType.getMethod("close").invoke(federation);
                ((AutoCloseable) upstream).close();
            }
        }
    }
}
