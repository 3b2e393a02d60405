package dev.tollgate.functions.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Admin handler as deployed (IAM mode), driven by the events under events/admin. */
class AdminHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static AdminHandler handler;

    @BeforeAll
    static void wire() {
        Map<String, String> env = new HashMap<>(DYNAMO.environment());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", DYNAMO.dynamo().endpoint().toString());
        handler = new AdminHandler(Services.create(Config.of(env)));
    }

    private static JsonNode ok(APIGatewayV2HTTPResponse response, int status) throws Exception {
        assertEquals(status, response.getStatusCode(), response.getBody());
        return response.getBody().isEmpty() ? null : JSON.readTree(response.getBody());
    }

    private static APIGatewayV2HTTPEvent event(String name, Map<String, String> placeholders) {
        return ApiEvents.fromRepo("admin/" + name + ".json", placeholders);
    }

    @Test
    void theOperatorLifecycleWorksThroughEveryAdminEvent() throws Exception {
        JsonNode account = ok(handler.handleRequest(event("create-account", Map.of()), null), 201);
        String id = account.path("account_id").asText();
        Map<String, String> acct = Map.of("acct_PLACEHOLDER", id);

        ok(handler.handleRequest(event("get-account", acct), null), 200);
        assertEquals("team", ok(handler.handleRequest(event("patch-account", acct), null), 200).path("plan").asText());
        JsonNode key = ok(handler.handleRequest(event("issue-api-key", acct), null), 201);
        assertTrue(key.path("api_key").asText().startsWith("tg_"));
        JsonNode list = ok(handler.handleRequest(event("list-api-keys", acct), null), 200);
        assertEquals(1, list.path("data").size());
        assertTrue(list.toString().indexOf(key.path("api_key").asText()) < 0, "the secret is never listed");

        JsonNode topup = ok(handler.handleRequest(event("topup", acct), null), 201);
        assertEquals("25.5", topup.path("credits_remaining").asText());
        ok(handler.handleRequest(event("topup", acct), null), 200);
        ok(handler.handleRequest(event("adjustment", acct), null), 201);
        ok(handler.handleRequest(event("revoke-api-key", Map.of("key_PLACEHOLDER", key.path("key_id").asText())), null), 204);
    }

    @Test
    void withoutTheIamIdentityEveryAdminRouteIs401() throws Exception {
        APIGatewayV2HTTPEvent unsigned = event("create-account", Map.of());
        unsigned.getRequestContext().setAuthorizer(null);
        JsonNode body = JSON.readTree(handler.handleRequest(unsigned, null).getBody());
        assertEquals("unauthorized", body.path("error").path("code").asText());
    }
}
