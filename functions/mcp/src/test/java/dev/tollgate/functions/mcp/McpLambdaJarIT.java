package dev.tollgate.functions.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.testing.LambdaJarFederation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shaded Lambda jar, alone on a class path: the MCP path (SDK schema records and their Jackson serialisers) and
 * the federation client (Tollgate's own, talking to a real MCP server) still work after the shade filters dropped the
 * SDK's client, server side and schema validator; the jar ships no reactor.
 */
class McpLambdaJarIT {
    private static final Path JAR = Path.of("target/tollgate-function-mcp-0.1.0-SNAPSHOT-lambda.jar");

    @Test
    void theMcpPathRunsFromTheLambdaJarAlone() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run after `package`: " + JAR.toAbsolutePath());
        System.out.printf("McpFunction jar: %,d bytes%n", Files.size(JAR));
        try (URLClassLoader jarOnly = new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> config = jarOnly.loadClass("dev.tollgate.config.Config");
            Object emptyConfig = config.getMethod("of", Map.class).invoke(null, Map.of());
            Class<?> catalogType = jarOnly.loadClass("dev.tollgate.catalog.ProviderCatalog");
            Object catalog = catalogType.getMethod("load", config).invoke(null, emptyConfig);
            jarOnly.loadClass("dev.tollgate.mcp.McpPriming").getMethod("run", catalogType).invoke(null, catalog);
            jarOnly.loadClass("dev.tollgate.functions.mcp.McpHandler");
            assertNull(jarOnly.getResource("io/modelcontextprotocol/server/McpServer.class"));
        }
        LambdaJarFederation.Seen seen = LambdaJarFederation.discoverAndCall(JAR);
        assertTrue(seen.toolNames().contains("playwright_echo"), seen.toString());
        assertEquals(200, seen.callStatus());
    }
}
