package dev.tollgate.functions.execute;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.tollgate.testing.EmfDocuments.assertMetric;
import static dev.tollgate.testing.EmfDocuments.assertValid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.log.Log;
import dev.tollgate.testing.EmfDocuments;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaContexts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator sees of an execute in CloudWatch: the request's log lines each carry Tollgate's, API Gateway's
 * and Lambda's request ids, and the last one is the request's EMF metrics document.
 */
class ExecuteMetricsIT {
    private static final String FUNCTION = "tollgate-test-ExecuteFunction-AbC123";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;
    private static ExecuteHandler handler;

    @BeforeAll
    static void start() {
        h = ExecutionHarness.start(DYNAMO);
        handler = new ExecuteHandler(h.services);
        h.vault.setPlatformKey("tavily", "tvly-platPLATplatPLATplat01");
        h.wiremock.stubFor(post(urlPathEqualTo("/tavily/search")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[]}")));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** The handler's response and every log line it wrote. */
    private record Invoked(APIGatewayV2HTTPEvent event, APIGatewayV2HTTPResponse response, List<JsonNode> lines,
                           Context context) {
        JsonNode emf() {
            List<JsonNode> documents = lines.stream().filter(l -> l.has("_aws")).toList();
            assertEquals(1, documents.size(), "one EMF document per request: " + lines);
            assertEquals(lines.get(lines.size() - 1), documents.get(0), "the summary line comes last");
            return documents.get(0);
        }
    }

    private static Invoked invoke(String event, String token) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        Context context = (Context) LambdaContexts.create(Context.class.getClassLoader(), FUNCTION);
        APIGatewayV2HTTPEvent request = ApiEvents.fromRepo(event, Map.of("tg_test_PLACEHOLDER", token));
        try {
            APIGatewayV2HTTPResponse response = handler.handleRequest(request, context);
            return new Invoked(request, response, EmfDocuments.lines(buffer.toString(StandardCharsets.UTF_8)), context);
        } finally {
            Log.setOutput(System.out);
        }
    }

    private static void assertEveryLineCarriesTheRequestIds(Invoked invoked) {
        String requestId = invoked.response().getHeaders().get("X-Request-Id");
        assertFalse(invoked.lines().isEmpty());
        for (JsonNode line : invoked.lines()) {
            assertEquals(requestId, line.path("request_id").asText(), line.toString());
            assertEquals(invoked.context().getAwsRequestId(), line.path("lambda_request_id").asText(), line.toString());
            assertEquals(invoked.event().getRequestContext().getRequestId(), line.path("apigw_request_id").asText(),
                    line.toString());
        }
    }

    @Test
    void aCreditsCallEndsWithItsMetricsDocument() {
        var customer = h.customer(Plan.PRO, 10 * Credits.MICROS_PER_CREDIT);

        Invoked invoked = invoke("execute/tavily-search.json", customer.token());

        assertEquals(200, invoked.response().getStatusCode(), invoked.response().getBody());
        assertEveryLineCarriesTheRequestIds(invoked);
        JsonNode emf = invoked.emf();
        assertValid(emf);
        assertEquals("request", emf.path("msg").asText());
        assertEquals("POST /api/v1/execute", emf.path("route").asText());
        assertEquals(200, emf.path("status").asInt());
        assertEquals(FUNCTION, emf.path("FunctionName").asText());
        assertEquals("tavily", emf.path("Tool").asText());
        assertEquals("credits", emf.path("Mode").asText());
        assertEquals("ok", emf.path("Outcome").asText());
        assertMetric(emf, "Calls", 1);
        assertMetric(emf, "ChargedMicroCredits", Credits.MICROS_PER_CREDIT);
        assertTrue(emf.path("UpstreamLatency").asLong() >= 0, emf.toString());
        assertTrue(emf.path("AwsCalls").asLong() >= 3, "authenticate, reserve, capture at least: " + emf);
        assertEquals(emf.path("AwsCalls").asLong(), emf.path("DynamoDbCalls").asLong(), emf.toString());
        assertTrue(emf.path("AwsTime").asDouble() > 0, emf.toString());
    }

    @Test
    void aRejectedCallCountsUnderItsErrorCodeWithoutUpstreamLatency() {
        var customer = h.customer(Plan.FREE, 0);

        Invoked invoked = invoke("execute/invalid-input.json", customer.token());

        assertEquals(400, invoked.response().getStatusCode());
        assertEveryLineCarriesTheRequestIds(invoked);
        JsonNode emf = invoked.emf();
        assertValid(emf);
        assertEquals("validation_failed", emf.path("Outcome").asText());
        assertEquals("none", emf.path("Mode").asText());
        assertMetric(emf, "ChargedMicroCredits", 0);
        assertFalse(emf.has("UpstreamLatency"), emf.toString());
    }
}
