package dev.tollgate.functions.workspaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Workspaces handler on its own module's classpath (no KMS client, no upstream HTTP client: what its Lambda jar
 * ships), driven by the events under events/workspaces.
 */
class WorkspacesHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static WorkspacesHandler handler;
    private static Services services;

    @BeforeAll
    static void wire() {
        Map<String, String> env = new HashMap<>(DYNAMO.environment());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", DYNAMO.dynamo().endpoint().toString());
        env.put("TOLLGATE_KMS_MODE", "local");
        env.put("TOLLGATE_MASTER_KEY", Base64.getEncoder().encodeToString(new byte[32]));
        services = Services.create(Config.of(env));
        handler = new WorkspacesHandler(services);
    }

    private static JsonNode ok(APIGatewayV2HTTPResponse response, int status) throws Exception {
        assertEquals(status, response.getStatusCode(), response.getBody());
        return response.getBody().isEmpty() ? null : JSON.readTree(response.getBody());
    }

    @Test
    void aTeamIsCreatedWithAMemberAndAnAgentWhoseKeyIsShownOnce() throws Exception {
        var people = services.accountService();
        Account admin = people.create(Account.Type.PERSONAL, Plan.PRO, "admin", "test");
        Account member = people.create(Account.Type.PERSONAL, Plan.FREE, "member", "test");
        String token = people.issueApiKey(admin.id(), "k", "test").token();
        Map<String, String> as = new HashMap<>(Map.of("tg_test_PLACEHOLDER", token));

        JsonNode ws = ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/create-workspace.json", as), null), 201);
        assertEquals("admin", ws.path("role").asText());
        as.put("ws_PLACEHOLDER", ws.path("id").asText());
        as.put("acct_MEMBER_PLACEHOLDER", member.id());

        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/get-workspace.json", as), null), 200);
        assertEquals(1, ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/list-workspaces.json", as), null), 200)
                .path("data").size());
        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/add-member.json", as), null), 201);

        var createAgent = ApiEvents.withJsonBody(ApiEvents.fromRepo("workspaces/create-agent.json", as),
                Map.of("name", "support-bot"));
        JsonNode agent = ok(handler.handleRequest(createAgent, null), 201);
        assertTrue(agent.path("api_key").asText().startsWith("tg_"));
        as.put("agt_PLACEHOLDER", agent.path("id").asText());
        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/update-agent.json", as), null), 200);
        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/delete-agent.json", as), null), 204);
        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/remove-member.json", as), null), 204);
    }

    @Test
    void bindingAnAgentToAKeyTheWorkspaceDoesNotHaveIsAValidationError() throws Exception {
        var people = services.accountService();
        Account admin = people.create(Account.Type.PERSONAL, Plan.PRO, "admin", "test");
        String token = people.issueApiKey(admin.id(), "k", "test").token();
        Map<String, String> as = new HashMap<>(Map.of("tg_test_PLACEHOLDER", token));
        as.put("ws_PLACEHOLDER", ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/create-workspace.json", as), null), 201)
                .path("id").asText());
        JsonNode error = ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/create-agent.json", as), null), 400);
        assertEquals("/key_bindings/openai", error.path("error").path("pointer").asText());
    }

    @Test
    void aPersonManagesTheirOwnAgentsThroughTheAccountRoutes() throws Exception {
        var people = services.accountService();
        Account owner = people.create(Account.Type.PERSONAL, Plan.PRO, "owner", "test");
        String token = people.issueApiKey(owner.id(), "k", "test").token();
        Map<String, String> as = new HashMap<>(Map.of("tg_test_PLACEHOLDER", token));

        JsonNode agent = ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/create-personal-agent.json", as), null), 201);
        assertEquals(owner.id(), agent.path("account_id").asText());
        assertTrue(agent.path("workspace").isNull());
        assertTrue(agent.path("api_key").asText().startsWith("tg_"));
        as.put("agt_PLACEHOLDER", agent.path("id").asText());
        assertEquals(1, ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/list-personal-agents.json", as), null), 200)
                .path("data").size());
        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/get-personal-agent.json", as), null), 200);
        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/update-personal-agent.json", as), null), 200);

        Map<String, String> asAgent = new HashMap<>(as);
        asAgent.put("tg_test_PLACEHOLDER", agent.path("api_key").asText());
        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/get-personal-agent.json", asAgent), null), 200);
        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/list-personal-agents.json", asAgent), null), 403);
        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/delete-personal-agent.json", asAgent), null), 403);

        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/delete-personal-agent.json", as), null), 204);
        ok(handler.handleRequest(ApiEvents.fromRepo("workspaces/get-personal-agent.json", as), null), 404);
    }
}
