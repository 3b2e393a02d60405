package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testkit.RepoRoot;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /mcp} of the local runner (the same handler classes, API Gateway stand-in, DynamoDB Local) driven by the
 * official MCP Java SDK client over Streamable HTTP, as an agent would use it; plus the transport rules over real
 * HTTP and a raw session transcript (target/mcp-session.txt) for docs/MCP.md.
 */
class McpClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** This test never declares an outputSchema, so the client has nothing to validate structured results against. */
    private static final JsonSchemaValidator NO_OUTPUT_SCHEMAS =
            (schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(String.valueOf(content));

    private static LocalTollgate tollgate;
    private static LocalTollgate.Demo demo;
    private static String base;

    @BeforeAll
    static void start() {
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find())
                .withEnvironment(Map.of("TOLLGATE_MCP_PAGE_SIZE", "2", "TOLLGATE_MCP_ALLOWED_ORIGINS", "http://localhost:6274")));
        demo = tollgate.seedDemo();
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void stop() {
        tollgate.close();
    }

    private static McpSyncClient client(String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint("/mcp")
                .customizeRequest(request -> request.header("Authorization", "Bearer " + token))
                .build();
        return McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("tollgate-it", "1.0.0"))
                .requestTimeout(Duration.ofSeconds(20))
                .jsonSchemaValidator(NO_OUTPUT_SCHEMAS)
                .build();
    }

    @Test
    void theOfficialSdkClientInitializesListsAndCallsTools() {
        assertTrue(tollgate.mountedFunctions().contains("McpFunction"), tollgate.mountedFunctions().toString());
        try (McpSyncClient client = client(demo.apiKey())) {
            McpSchema.InitializeResult init = client.initialize();
            assertEquals("2025-11-25", init.protocolVersion());
            assertEquals("tollgate", init.serverInfo().name());
            assertNotNull(init.capabilities().tools());
            assertTrue(init.instructions().contains("tollgate_account"));

            client.ping();

            // Every page by hand, then the client's own "all pages".
            List<McpSchema.Tool> paged = new ArrayList<>();
            String cursor = null;
            do {
                McpSchema.ListToolsResult page = client.listTools(cursor);
                assertTrue(page.tools().size() <= 2);
                paged.addAll(page.tools());
                cursor = page.nextCursor();
            } while (cursor != null);
            List<String> names = paged.stream().map(McpSchema.Tool::name).toList();
            assertEquals("tollgate_account", names.get(0));
            assertEquals(names.size(), names.stream().distinct().count());
            assertEquals(names, client.listTools().tools().stream().map(McpSchema.Tool::name).toList());
            McpSchema.Tool account = paged.get(0);
            assertEquals("free", account.meta().get("tollgate/billing_mode"));
            assertTrue(account.annotations().readOnlyHint());

            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("tollgate_account", Map.of()));
            assertFalse(result.isError());
            @SuppressWarnings("unchecked")
            Map<String, Object> structured = (Map<String, Object>) result.structuredContent();
            assertEquals(demo.accountId(), structured.get("account_id"));
            assertEquals(100, ((Number) structured.get("credits_remaining")).intValue());
            assertEquals("pro", structured.get("plan"));
            @SuppressWarnings("unchecked")
            Map<String, Object> billing = (Map<String, Object>) result.meta().get("tollgate/billing");
            assertEquals("free", billing.get("mode"));
            String text = ((McpSchema.TextContent) result.content().get(0)).text();
            assertTrue(text.contains(demo.accountId()));

            // An unknown tool is a protocol error (-32602), which the SDK raises as McpError.
            var unknown = assertThrows(io.modelcontextprotocol.spec.McpError.class,
                    () -> client.callTool(new McpSchema.CallToolRequest("openai_teleport", Map.of())));
            assertEquals(McpSchema.ErrorCodes.INVALID_PARAMS, unknown.getJsonRpcError().code());
        }
    }

    @Test
    void aCallerWithoutAValidKeyCannotConnect() {
        try (McpSyncClient client = client("tg_test_not_a_real_key")) {
            assertThrows(RuntimeException.class, client::initialize);
        }
    }

    // ---- transport rules over real HTTP (the unit tests cover each one; this proves the gateway passes them) ----

    private static HttpResponse<String> post(String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String[] clientHeaders(String... extra) {
        List<String> all = new ArrayList<>(List.of("Authorization", "Bearer " + demo.apiKey(),
                "Content-Type", "application/json", "Accept", "application/json, text/event-stream",
                "MCP-Protocol-Version", "2025-11-25"));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    @Test
    void transportRulesHoldOverHttp() throws Exception {
        String list = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
        var unauthorized = post(list, "Content-Type", "application/json");
        assertEquals(401, unauthorized.statusCode());
        assertTrue(unauthorized.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));

        assertEquals(403, post(list, clientHeaders("Origin", "https://evil.example")).statusCode());
        assertEquals(200, post(list, clientHeaders("Origin", "http://localhost:6274")).statusCode());
        assertEquals(406, post(list, "Authorization", "Bearer " + demo.apiKey(), "Content-Type", "application/json",
                "Accept", "text/event-stream").statusCode());
        assertEquals(415, post(list, "Authorization", "Bearer " + demo.apiKey(), "Content-Type", "text/plain").statusCode());
        assertEquals(400, post(list, "Authorization", "Bearer " + demo.apiKey(), "Content-Type", "application/json",
                "MCP-Protocol-Version", "2024-11-05").statusCode());

        for (String method : List.of("GET", "DELETE")) {
            var response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/mcp")).method(method, HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", "Bearer " + demo.apiKey()).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, response.statusCode(), method);
            assertEquals("POST", response.headers().firstValue("Allow").orElse(""), method);
        }

        var notification = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", clientHeaders());
        assertEquals(202, notification.statusCode());
        assertEquals("", notification.body());

        var parseError = post("{not json", clientHeaders());
        assertEquals(400, parseError.statusCode());
        assertEquals(-32700, JSON.readTree(parseError.body()).path("error").path("code").asInt());

        String batch = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]";
        assertEquals(400, post(batch, clientHeaders()).statusCode());
        var oldBatch = post(batch, "Authorization", "Bearer " + demo.apiKey(), "Content-Type", "application/json");
        assertEquals(200, oldBatch.statusCode());
        assertEquals(2, JSON.readTree(oldBatch.body()).size());
    }

    /** initialize → notifications/initialized → tools/list → tools/call, exactly as exchanged, for docs/MCP.md. */
    @Test
    void recordsASessionTranscript() throws Exception {
        StringBuilder transcript = new StringBuilder();
        String[] bodies = {
                "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"curl\",\"version\":\"8\"}}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"tollgate_account\","
                        + "\"arguments\":{},\"_meta\":{\"tollgate/idempotency_key\":\"demo-1\"}}}"};
        for (String body : bodies) {
            var response = post(body, clientHeaders());
            assertTrue(response.statusCode() == 200 || response.statusCode() == 202, response.body());
            transcript.append("> POST /mcp\n> ").append(body).append('\n');
            transcript.append("< ").append(response.statusCode())
                    .append(response.headers().firstValue("Content-Type").map(t -> " " + t).orElse("")).append('\n');
            if (!response.body().isEmpty()) {
                transcript.append("< ").append(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(response.body())))
                        .append('\n');
            }
            transcript.append('\n');
        }
        Path out = Path.of("target", "mcp-session.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, transcript.toString().replace(demo.apiKey(), "tg_test_…"), StandardCharsets.UTF_8);
    }
}
