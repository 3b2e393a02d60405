package dev.tollgate.functions.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static dev.tollgate.testing.LambdaJarChecks.withBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.LambdaJarChecks;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaJar;
import dev.tollgate.testkit.MotoServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded McpFunction jar alone: the MCP path (the SDK's schema records and their Jackson serialisers) and a
 * billed tools/call still work after the shade filters dropped the SDK's reactive server and schema validator, and
 * after minimization. (McpLambdaJarIT runs the priming and the federation client from the same jar.)
 */
class McpCreditsLambdaJarIT {
    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static MotoServer moto;
    private static WireMockServer upstream;

    @BeforeAll
    static void start() {
        moto = MotoServer.available() ? MotoServer.start() : null;
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(post(urlPathEqualTo("/search")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[]}")));
    }

    @AfterAll
    static void stop() {
        upstream.stop();
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void aBilledToolsCallRunsFromTheLambdaJarAlone() throws Exception {
        Config config = TestServices.configWithKms(DYNAMO, moto, Map.of("TOLLGATE_UPSTREAM_TAVILY_URL",
                upstream.baseUrl(), "TOLLGATE_ALLOW_PRIVATE_UPSTREAMS", "true"));
        Services seed = Services.create(config);
        seed.keyRegistry().setPlatformKey("test", "tavily", "tvly-platPLATplatPLATplat01");
        var customer = LambdaJarChecks.customer(seed, Plan.PRO, 10 * Credits.MICROS_PER_CREDIT);
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.mcp.McpHandler", config.asMap());

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
        assertEquals(9 * Credits.MICROS_PER_CREDIT, seed.ledger().balance(customer.accountId()).available());
    }
}
