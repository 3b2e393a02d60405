package dev.tollgate.functions.a2a;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The A2A Lambda handler driven by the events under events/a2a (the ones `sam local invoke -e` uses): real accounts,
 * engine and task store on DynamoDB Local, a WireMock upstream.
 */
class A2aHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;
    private static A2aHandler handler;

    @BeforeAll
    static void start() {
        h = ExecutionHarness.start(DYNAMO);
        handler = new A2aHandler(h.services);
        h.wiremock.stubFor(get(urlPathEqualTo("/context7/v1/search")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[{\"id\":\"/facebook/react\"}]}")));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    private static APIGatewayV2HTTPResponse call(String event, Map<String, String> placeholders) {
        return handler.handleRequest(ApiEvents.fromRepo("a2a/" + event, placeholders), null);
    }

    private static JsonNode body(APIGatewayV2HTTPResponse response) throws Exception {
        return JSON.readTree(response.getBody());
    }

    @Test
    void theCardIsPublicAndPointsAtTheApiItWasFetchedFrom() throws Exception {
        var response = call("get-agent-card.json", Map.of());
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode card = body(response);
        assertEquals("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/a2a", card.path("url").asText());
        // One skill per provider the directory can reach now (no federated server answers here) + tollgate_account.
        assertEquals(h.services.toolDirectory().operationsByProvider().size() + 1, card.path("skills").size());
        assertTrue(h.services.toolDirectory().operationsByProvider().size() < h.services.catalog().providers().size(),
                "the unanswering federated servers are left out");
    }

    @Test
    void messageSendRunsTheCallAndTasksGetReadsItBackForItsAccountOnly() throws Exception {
        var customer = h.customer(Plan.FREE, 0);
        var sent = call("message-send.json", Map.of("tg_test_PLACEHOLDER", customer.token()));
        assertEquals(200, sent.getStatusCode(), sent.getBody());
        JsonNode task = body(sent).path("result");
        assertEquals("2f0c6a5e-6b1f-4a53-9d0e-5c1e7b2a9f10", body(sent).path("id").asText());
        assertEquals("completed", task.path("status").path("state").asText(), task.toString());
        assertEquals("/facebook/react", task.path("artifacts").get(0).path("parts").get(0).path("data")
                .path("results").get(0).path("id").asText());
        JsonNode billing = task.path("metadata").path("tollgate/billing");
        assertEquals("free", billing.path("mode").asText());
        assertEquals(sent.getHeaders().get("X-Request-Id"), billing.path("request_id").asText());

        String taskId = task.path("id").asText();
        var got = call("tasks-get.json", Map.of("tg_test_PLACEHOLDER", customer.token(), "task_PLACEHOLDER", taskId));
        assertEquals(task, body(got).path("result"));

        // The same message again: the same task, replayed, no second upstream call.
        JsonNode replay = body(call("message-send.json", Map.of("tg_test_PLACEHOLDER", customer.token()))).path("result");
        assertEquals(taskId, replay.path("id").asText());
        assertTrue(replay.path("metadata").path("tollgate/replayed").asBoolean());
        h.wiremock.verify(1, getRequestedFor(urlPathEqualTo("/context7/v1/search")));

        var stranger = h.customer(Plan.FREE, 0);
        JsonNode foreign = body(call("tasks-get.json", Map.of("tg_test_PLACEHOLDER", stranger.token(),
                "task_PLACEHOLDER", taskId)));
        assertEquals(-32001, foreign.path("error").path("code").asInt());
        assertFalse(foreign.toString().contains("react"));
    }

    @Test
    void withoutATokenTheRequestIs401() throws Exception {
        var response = call("message-send.json", Map.of());
        assertEquals(401, response.getStatusCode());
        assertEquals("unauthorized", body(response).path("error").path("data").path("code").asText());
        assertTrue(response.getHeaders().get("WWW-Authenticate").startsWith("Bearer"));
    }
}
