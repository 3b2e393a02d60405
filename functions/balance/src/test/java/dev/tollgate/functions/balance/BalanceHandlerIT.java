package dev.tollgate.functions.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Balance Lambda handler driven by the same API Gateway events that `sam local invoke -e` uses. */
class BalanceHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static BalanceHandler handler;
    private static Services services;

    @BeforeAll
    static void wire() {
        Map<String, String> env = new HashMap<>(DYNAMO.environment());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", DYNAMO.dynamo().endpoint().toString());
        services = Services.create(Config.of(env));
        handler = new BalanceHandler(services);
    }

    @Test
    void getKeyReturnsThePlanAndBalanceOfTheCallingKey() throws Exception {
        Account account = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "t", "test");
        services.accountService().topUp(account.id(), 42_500_000L, "seed", "test");
        String token = services.accountService().issueApiKey(account.id(), "k", "test").token();

        var response = handler.handleRequest(
                ApiEvents.fromRepo("balance/get-key.json", Map.of("tg_test_PLACEHOLDER", token)), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode body = JSON.readTree(response.getBody());
        assertEquals(account.id(), body.path("account_id").asText());
        assertEquals("42.5", body.path("credits_remaining").asText());
        assertEquals("pro", body.path("plan").asText());
        assertTrue(response.getHeaders().get("X-Request-Id").startsWith("req_"));
    }

    @Test
    void theTemplateTokenPlaceholderIsRejectedWithBearerChallenge() throws Exception {
        var response = handler.handleRequest(ApiEvents.fromRepo("balance/get-key.json"), null);
        assertEquals(401, response.getStatusCode());
        assertTrue(response.getHeaders().get("WWW-Authenticate").startsWith("Bearer"));
        assertEquals("unauthorized", JSON.readTree(response.getBody()).path("error").path("code").asText());
    }

    @Test
    void theDefaultRouteAnswersUnknownPathsWithTheEnvelope() throws Exception {
        var response = handler.handleRequest(ApiEvents.fromRepo("balance/unknown-route.json"), null);
        assertEquals(404, response.getStatusCode());
        assertEquals("not_found", JSON.readTree(response.getBody()).path("error").path("code").asText());
    }

    @Test
    void theAuditRouteListsTheCallersOwnEntriesNewestFirstWithACursor() throws Exception {
        Account account = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "t", "test");
        String token = services.accountService().issueApiKey(account.id(), "k", "test").token();
        for (int i = 0; i < 25; i++) {
            services.audit().record(account.id(), "test", "test.event", "obj_" + i, Map.of());
        }
        var first = handler.handleRequest(ApiEvents.fromRepo("balance/list-audit.json",
                Map.of("tg_test_PLACEHOLDER", token)), null);
        assertEquals(200, first.getStatusCode(), first.getBody());
        JsonNode body = JSON.readTree(first.getBody());
        assertEquals(20, body.path("data").size());
        assertEquals(27, body.path("data").get(0).path("seq").asInt());
        assertEquals(account.id(), body.path("data").get(0).path("account_id").asText());
        assertTrue(body.path("next_cursor").isTextual());
    }
}
