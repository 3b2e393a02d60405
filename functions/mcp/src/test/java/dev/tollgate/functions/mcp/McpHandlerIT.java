package dev.tollgate.functions.mcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.app.Services;
import dev.tollgate.auth.Acting;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.execution.ExecutionRequest;
import dev.tollgate.execution.ToolExecutor;
import dev.tollgate.execution.ToolView;
import dev.tollgate.paging.Page;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The MCP Lambda handler driven by the events under events/mcp (the ones `sam local invoke -e` uses), with real
 * authentication and accounts in DynamoDB Local and a recording stand-in for the execution engine.
 */
class McpHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static Services services;
    private static String token;
    private static String accountId;

    private final List<ExecutionRequest> executed = new ArrayList<>();
    private McpHandler handler;

    @BeforeAll
    static void wire() {
        Map<String, String> env = new HashMap<>(DYNAMO.environment());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", DYNAMO.dynamo().endpoint().toString());
        env.put("TOLLGATE_TOKEN_PREFIX", "tg_test_");
        // Parameters the template passes with !Ref arrive as their names; give them local values.
        env.put("TOLLGATE_BALANCE_SHARDS", "1");
        env.put("TOLLGATE_LOG_LEVEL", "INFO");
        env.remove("TOLLGATE_KMS_KEY_ID");
        services = Services.create(Config.of(env));
        Account account = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "mcp", "test");
        services.accountService().topUp(account.id(), 42_500_000L, "seed", "test");
        accountId = account.id();
        token = services.accountService().issueApiKey(account.id(), "k", "test").token();
    }

    @BeforeEach
    void handler() {
        ToolExecutor recording = new ToolExecutor() {
            @Override
            public ExecutionOutcome execute(Acting acting, ExecutionRequest request) {
                executed.add(request);
                ObjectNode body = JSON.createObjectNode();
                body.putObject("result").putArray("libraries").addObject().put("id", "/facebook/react");
                body.putObject("billing").put("mode", "free").put("credits_charged", 0).put("request_id", request.requestId());
                return new ExecutionOutcome(200, body, false);
            }

            @Override
            public Page<ToolView> tools(Acting acting, String cursor, int limit) {
                var op = services.catalog().operationByToolName("context7_resolve_library").orElseThrow();
                return new Page<>(List.of(new ToolView(op.toolName(), op.tool(), op.id(), op.description(),
                        op.inputSchema(), op.pricing().describe(), "free", null)), null);
            }
        };
        handler = new McpHandler(services, services.mcpEndpoint(recording));
    }

    private APIGatewayV2HTTPResponse invoke(String event) {
        return handler.handleRequest(ApiEvents.fromRepo("mcp/" + event, Map.of("tg_test_PLACEHOLDER", token)), null);
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        return JSON.readTree(response.getBody());
    }

    @Test
    void initializeNegotiatesAndAnswersJson() throws Exception {
        var response = invoke("initialize.json");
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("application/json", response.getHeaders().get("Content-Type"));
        assertFalse(response.getHeaders().containsKey("Mcp-Session-Id"));
        JsonNode result = body(response).path("result");
        assertEquals("2025-11-25", result.path("protocolVersion").asText());
        assertEquals("tollgate", result.path("serverInfo").path("name").asText());
    }

    @Test
    void theInitializedNotificationIs202WithoutBody() {
        var response = invoke("notifications-initialized.json");
        assertEquals(202, response.getStatusCode());
        assertEquals("", response.getBody());
    }

    @Test
    void toolsListLeadsWithTheAccountTool() throws Exception {
        JsonNode tools = body(invoke("tools-list.json")).path("result").path("tools");
        assertEquals("tollgate_account", tools.get(0).path("name").asText());
        assertEquals("context7_resolve_library", tools.get(1).path("name").asText());
        assertEquals("free", tools.get(1).path("_meta").path("tollgate/billing_mode").asText());
    }

    @Test
    void toolsCallGoesThroughTheExecutionEngineWithTheIdempotencyKey() throws Exception {
        var response = invoke("tools-call.json");
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode result = body(response).path("result");
        assertFalse(result.path("isError").asBoolean(true));
        assertEquals("/facebook/react", result.path("structuredContent").path("libraries").get(0).path("id").asText());
        assertEquals(1, executed.size());
        assertEquals("context7", executed.get(0).tool());
        assertEquals("resolve_library", executed.get(0).operation());
        assertEquals("9b2f6c1e-3d4a-4f7e-8a51-0c6d2e9f1a77", executed.get(0).idempotencyKey());
        assertEquals(response.getHeaders().get("X-Request-Id"), executed.get(0).requestId());
    }

    @Test
    void theAccountToolReportsTheRealBalance() throws Exception {
        var event = ApiEvents.withBody(ApiEvents.fromRepo("mcp/tools-call.json", Map.of("tg_test_PLACEHOLDER", token)),
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"tollgate_account\"}}");
        JsonNode result = body(handler.handleRequest(event, null)).path("result");
        assertEquals(accountId, result.path("structuredContent").path("account_id").asText());
        assertEquals("42.5", result.path("structuredContent").path("credits_remaining").asText());
        assertEquals("pro", result.path("structuredContent").path("plan").asText());
        assertTrue(executed.isEmpty());
    }

    @Test
    void getIs405WithAllowPost() throws Exception {
        var response = invoke("get.json");
        assertEquals(405, response.getStatusCode());
        assertEquals("POST", response.getHeaders().get("Allow"));
        assertEquals("method_not_allowed", body(response).path("error").path("data").path("code").asText());
    }

    @Test
    void everyOtherMethodIs405AsAJsonRpcError() throws Exception {
        var response = invoke("other-method.json");
        assertEquals(405, response.getStatusCode());
        assertEquals("POST", response.getHeaders().get("Allow"));
        JsonNode body = body(response);
        assertEquals("2.0", body.path("jsonrpc").asText());
        assertEquals("method_not_allowed", body.path("error").path("data").path("code").asText());
    }

    @Test
    void theTemplatePlaceholderTokenIs401WithTheBearerChallenge() throws Exception {
        var response = handler.handleRequest(ApiEvents.fromRepo("mcp/tools-list.json"), null);
        assertEquals(401, response.getStatusCode());
        assertTrue(response.getHeaders().get("WWW-Authenticate").startsWith("Bearer"));
        assertEquals("unauthorized", body(response).path("error").path("data").path("code").asText());
    }

    @Test
    void aSuspendedAccountIsRefusedBeforeAnyJsonRpc() throws Exception {
        Account other = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "suspended", "test");
        String otherToken = services.accountService().issueApiKey(other.id(), "k", "test").token();
        services.accountService().update(other.id(), null, Account.Status.SUSPENDED, "test");
        var response = handler.handleRequest(ApiEvents.fromRepo("mcp/tools-list.json",
                Map.of("tg_test_PLACEHOLDER", otherToken)), null);
        assertEquals(403, response.getStatusCode());
        assertEquals("account_suspended", body(response).path("error").path("data").path("code").asText());
    }

    @Test
    void theServicesConstructorMountsTheEndpoint() throws Exception {
        McpHandler wired = new McpHandler(services);
        var response = wired.handleRequest(ApiEvents.fromRepo("mcp/tools-list.json",
                Map.of("tg_test_PLACEHOLDER", token)), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals("tollgate_account", body(response).path("result").path("tools").get(0).path("name").asText());
    }
}
