package dev.tollgate.functions.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.testing.LambdaJarFederation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The shaded Lambda jar alone runs the federation client: REST calls of federated MCP servers' tools need Tollgate's
 * MCP client, the SDK's schema types and HttpClient 5, and the jar ships neither the SDK's client nor reactor.
 */
class ExecuteLambdaJarIT {
    private static final Path JAR = Path.of("target/tollgate-function-execute-0.1.0-SNAPSHOT-lambda.jar");

    @Test
    void federatedToolsAreDiscoveredAndCalledFromTheLambdaJarAlone() throws Exception {
        assertTrue(Files.isRegularFile(JAR), "run after `package`: " + JAR.toAbsolutePath());
        LambdaJarFederation.Seen seen = LambdaJarFederation.discoverAndCall(JAR);
        assertTrue(seen.toolNames().contains("playwright_text_reverse"), seen.toString());
        assertEquals(200, seen.callStatus());
    }
}
