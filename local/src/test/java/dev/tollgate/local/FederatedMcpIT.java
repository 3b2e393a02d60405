package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.testkit.McpTestServer;
import dev.tollgate.testkit.RepoRoot;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Federated MCP servers through every door of the local runner, against real MCP server processes (the official
 * SDK's server, {@link McpTestServer}, each in a child JVM started here): their tools appear in Tollgate's
 * {@code /mcp} (called with the official SDK client), in {@code GET /api/v1/tools} and its OpenAI export; a call is
 * forwarded and its result returned, billed free; and once one server's process is killed, its tools are
 * {@code 503 provider_unavailable} and leave the listings, while the other server's tools and the catalog's still
 * list and work.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FederatedMcpIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonSchemaValidator NO_OUTPUT_SCHEMAS =
            (schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(String.valueOf(content));

    private static Process playwright;
    private static Process semgrep;
    private static LocalTollgate tollgate;
    private static LocalTollgate.Demo demo;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        playwright = startServer();
        semgrep = startServer();
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(Map.of(
                "TOLLGATE_UPSTREAM_PLAYWRIGHT_URL", "http://127.0.0.1:" + port(playwright) + "/mcp",
                "TOLLGATE_UPSTREAM_SEMGREP_URL", "http://127.0.0.1:" + port(semgrep) + "/mcp")));
        demo = tollgate.seedDemo();
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
        // Discovery runs in the background of a listing; waiting for it once keeps the test free of timing.
        tollgate.services().toolDirectory().refreshFederated().join();
    }

    @AfterAll
    static void stop() {
        tollgate.close();
        playwright.destroyForcibly();
        semgrep.destroyForcibly();
    }

    private static final Map<Process, Integer> PORTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@code java -cp <this test's class path> McpTestServer}: a separate process the test can kill. */
    private static Process startServer() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), McpTestServer.class.getName(), "/mcp")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(McpTestServer.READY_LINE)) {
                PORTS.put(process, Integer.parseInt(line.substring(McpTestServer.READY_LINE.length()).trim()));
                break;
            }
        }
        if (!PORTS.containsKey(process)) {
            throw new IllegalStateException("the MCP test server did not start");
        }
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "mcp-server-output");
        drain.setDaemon(true);
        drain.start();
        return process;
    }

    private static int port(Process process) {
        return PORTS.get(process);
    }

    private static McpSyncClient tollgateClient() {
        return McpClient.sync(HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp")
                        .customizeRequest(request -> request.header("Authorization", "Bearer " + demo.apiKey()))
                        .build())
                .clientInfo(new McpSchema.Implementation("federation-it", "1.0.0"))
                .requestTimeout(Duration.ofSeconds(40))
                .jsonSchemaValidator(NO_OUTPUT_SCHEMAS)
                .build();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + demo.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> execute(String tool, String operation, String input) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/execute"))
                .header("Authorization", "Bearer " + demo.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tool\":\"" + tool + "\",\"operation\":\"" + operation
                        + "\",\"input\":" + input + "}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> restToolNames(String format) throws Exception {
        JsonNode body = JSON.readTree(get("/api/v1/tools?limit=100" + (format == null ? "" : "&format=" + format)).body());
        List<String> names = new ArrayList<>();
        body.path("tools").forEach(t -> names.add(format != null && format.equals("openai")
                ? t.path("function").path("name").asText() : t.path("name").asText()));
        return names;
    }

    @Test
    @Order(1)
    void theServersToolsAppearThroughMcpRestAndTheOpenAiExport() throws Exception {
        try (McpSyncClient client = tollgateClient()) {
            client.initialize();
            List<McpSchema.Tool> tools = client.listTools().tools();
            McpSchema.Tool echo = tools.stream().filter(t -> t.name().equals("playwright_echo")).findFirst().orElseThrow();
            assertEquals("Echoes the text back. Billing: free.", echo.description());
            assertEquals(List.of("text"), echo.inputSchema().required(), "the upstream's input schema");
            assertEquals(Boolean.TRUE, echo.annotations().readOnlyHint(), "the upstream's own hints");
            assertEquals("free", echo.meta().get("tollgate/billing_mode"));
            List<String> names = tools.stream().map(McpSchema.Tool::name).toList();
            assertTrue(names.containsAll(List.of("tollgate_account", "context7_resolve_library", "playwright_text_reverse",
                    "semgrep_echo", "semgrep_add")), names.toString());
        }
        List<String> rest = restToolNames(null);
        assertTrue(rest.containsAll(List.of("playwright_echo", "semgrep_echo", "openai_chat_completion")), rest.toString());
        assertTrue(rest.indexOf("context7_get_docs") < rest.indexOf("playwright_echo"), "catalog order");
        assertTrue(restToolNames("mcp").contains("playwright_add"));
        JsonNode openai = JSON.readTree(get("/api/v1/tools?limit=100&format=openai").body());
        JsonNode add = null;
        for (JsonNode t : openai.path("tools")) {
            if (t.path("function").path("name").asText().equals("semgrep_add")) {
                add = t.path("function");
            }
        }
        assertTrue(add != null, openai.toString());
        assertEquals("number", add.path("parameters").path("properties").path("a").path("type").asText());
        assertTrue(add.path("name").asText().matches("^[a-zA-Z0-9_-]{1,64}$"));
    }

    @Test
    @Order(2)
    void aCallIsForwardedAndItsResultReturnedBilledFree() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        try (McpSyncClient client = tollgateClient()) {
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("playwright_echo",
                    Map.of("text", "through the gateway")));
            assertFalse(result.isError());
            assertEquals("echo: through the gateway", ((McpSchema.TextContent) result.content().get(0)).text());
            @SuppressWarnings("unchecked")
            Map<String, Object> structured = (Map<String, Object>) result.structuredContent();
            assertEquals("through the gateway", structured.get("text"));
            @SuppressWarnings("unchecked")
            Map<String, Object> billing = (Map<String, Object>) result.meta().get("tollgate/billing");
            assertEquals("free", billing.get("mode"));
            assertEquals(0, ((Number) billing.get("credits_charged")).intValue());

            // A tool's own error is a result (isError), passed through as the server sent it.
            McpSchema.CallToolResult failed = client.callTool(new McpSchema.CallToolRequest("playwright_fail",
                    Map.of("text", "x")));
            assertTrue(failed.isError());
            assertEquals("cannot do that: x", ((McpSchema.TextContent) failed.content().get(0)).text());
            assertTrue(failed.meta().containsKey("tollgate/billing"));

            // Input the upstream's schema refuses never reaches it.
            McpSchema.CallToolResult invalid = client.callTool(new McpSchema.CallToolRequest("playwright_echo", Map.of()));
            assertTrue(invalid.isError());
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) invalid.meta().get("tollgate/error");
            assertEquals("validation_failed", error.get("code"));
        }
        HttpResponse<String> rest = execute("playwright", "text_reverse", "{\"text\":\"abc\"}");
        assertEquals(200, rest.statusCode(), rest.body());
        JsonNode body = JSON.readTree(rest.body());
        assertEquals("cba", body.path("result").path("content").path(0).path("text").asText());
        assertEquals("free", body.path("billing").path("mode").asText());
        assertEquals(100, JSON.readTree(get("/api/v1/key").body()).path("credits_remaining").asInt(), "nothing charged");
        List<UsageRecord> usage = new ArrayList<>();
        tollgate.services().usageStore().scan(demo.accountId(), before, Instant.now().plusSeconds(60), 100, usage::add);
        assertTrue(usage.stream().anyMatch(u -> u.provider().equals("playwright") && u.operation().equals("text_reverse")
                && u.mode().equals("free") && u.status().equals("ok")), usage.toString());
    }

    @Test
    @Order(3)
    void aKilledServersToolsAreUnavailableWhileTheRestListsAndWorks() throws Exception {
        playwright.destroyForcibly().waitFor();

        HttpResponse<String> rest = execute("playwright", "echo", "{\"text\":\"anyone?\"}");
        assertEquals(503, rest.statusCode(), rest.body());
        assertEquals("provider_unavailable", JSON.readTree(rest.body()).path("error").path("code").asText());

        try (McpSyncClient client = tollgateClient()) {
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("playwright_echo",
                    Map.of("text", "anyone?")));
            assertTrue(result.isError());
            @SuppressWarnings("unchecked")
            Map<String, Object> error = (Map<String, Object>) result.meta().get("tollgate/error");
            assertEquals("provider_unavailable", error.get("code"));
            assertEquals(503, ((Number) error.get("status")).intValue());

            List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertTrue(names.stream().noneMatch(n -> n.startsWith("playwright_")), names.toString());
            assertTrue(names.containsAll(List.of("tollgate_account", "semgrep_echo", "context7_get_docs")), names.toString());

            McpSchema.CallToolResult other = client.callTool(new McpSchema.CallToolRequest("semgrep_add",
                    Map.of("a", 2, "b", 3)));
            assertFalse(other.isError());
            assertEquals("5", ((McpSchema.TextContent) other.content().get(0)).text());
            assertFalse(client.callTool(new McpSchema.CallToolRequest("tollgate_account", Map.of())).isError());
        }
        List<String> rest2 = restToolNames("openai");
        assertTrue(rest2.stream().noneMatch(n -> n.startsWith("playwright_")), rest2.toString());
        assertTrue(rest2.contains("semgrep_echo"));
        assertEquals(100, JSON.readTree(get("/api/v1/key").body()).path("credits_remaining").asInt());
    }
}
