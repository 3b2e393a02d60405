package dev.tollgate.functions.mcp;

import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static dev.tollgate.testing.LambdaJarChecks.withBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.Credits;
import dev.tollgate.testing.JarBackends;
import dev.tollgate.testing.LambdaJarChecks;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded McpFunction jar alone: the MCP path (the SDK's schema records and their Jackson serialisers) and a
 * billed tools/call still work after the shade filters dropped the SDK's reactive server and schema validator, and
 * after minimization. (McpLambdaJarIT runs the priming and the federation client from the same jar.)
 */
class McpCreditsLambdaJarIT {
    private static final String PLATFORM_KEY = "tvly-platPLATplatPLATplat01";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    @RegisterExtension
    static final JarBackends BACKENDS = JarBackends.withTavilySearch(PLATFORM_KEY);

    @Test
    void aBilledToolsCallRunsFromTheLambdaJarAlone() throws Exception {
        JarBackends.Seeded seeded = BACKENDS.seed(DYNAMO, "tavily", PLATFORM_KEY,
                10 * Credits.MICROS_PER_CREDIT);
        var customer = seeded.customer();
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.mcp.McpHandler", seeded.config().asMap());

            JsonNode initialized = jar.invoke(handler, event("mcp/initialize.json", customer.placeholders()),
                    "McpFunction");
            assertEquals(200, initialized.path("statusCode").asInt(), initialized.toString());
            assertEquals("2025-11-25", body(initialized).path("result").path("protocolVersion").asText());
            String call = withBody(event("mcp/tools-call.json", customer.placeholders()), """
                    {"jsonrpc":"2.0","id":2,"method":"tools/call",
                     "params":{"name":"tavily_search","arguments":{"query":"lambda java"}}}""");
            JsonNode called = jar.invoke(handler, call, "McpFunction");
            assertEquals(200, called.path("statusCode").asInt(), called.toString());
            JsonNode result = body(called).path("result");
            assertFalse(result.path("isError").asBoolean(), called.toString());
            assertEquals("credits", result.path("_meta").path("tollgate/billing").path("mode").asText(),
                    called.toString());

            // Jar contents last, so a size overrun does not hide whether the minimized jar still works.
            assertFalse(jar.contains("io/modelcontextprotocol/server/McpServer.class"));
            assertFalse(jar.contains("reactor/core/publisher/Mono.class"), "reactor is not shipped");
            LambdaJarChecks.assertHealthy(jar, 2);
        }
        assertEquals(9 * Credits.MICROS_PER_CREDIT,
                seeded.services().ledger().balance(customer.accountId()).available());
    }
}
