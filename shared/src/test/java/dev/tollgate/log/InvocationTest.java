package dev.tollgate.log;

import static dev.tollgate.testing.EmfDocuments.assertMetric;
import static dev.tollgate.testing.EmfDocuments.assertValid;
import static dev.tollgate.testing.EmfDocuments.dimensionSetsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.EmfDocuments;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-invocation summary line: a log line that is a valid CloudWatch EMF document, and the ids on every line. */
class InvocationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final String LAMBDA_ID = "8f5d2c1e-4b7a-4c3e-9d2f-1a2b3c4d5e6f";
    private static final String APIGW_ID = "JKJaXmPLvHcESHA=";

    @AfterEach
    void unbind() {
        Log.unbind();
        Log.setOutput(System.out);
    }

    private static JsonNode document(RequestMetrics metrics, Object... fields) throws Exception {
        Log.bind(new Log.Correlation("req_0ABCDEF", LAMBDA_ID, APIGW_ID, null));
        return JSON.readTree(Invocation.document(Log.named("Router"), metrics, "Tollgate", AT, "request", fields));
    }

    @Test
    void aToolCallIsOneDocumentWithADirectivePerDimensionNeed() throws Exception {
        RequestMetrics metrics = new RequestMetrics("tollgate-prod-ExecuteFunction-AbC123", true);
        metrics.awsCall("DynamoDb", 3_000_000);
        metrics.awsCall("DynamoDb", 2_500_000);
        metrics.awsCall("Kms", 1_000_000);
        metrics.call("openai", "credits", "ok", 160_000, 340);

        JsonNode doc = document(metrics, "route", "POST /api/v1/execute", "status", 200);

        assertValid(doc);
        assertEquals(AT.toEpochMilli(), doc.path("_aws").path("Timestamp").asLong());
        assertEquals(3, doc.path("_aws").path("CloudWatchMetrics").size());
        doc.path("_aws").path("CloudWatchMetrics").forEach(d -> assertEquals("Tollgate", d.path("Namespace").asText()));
        assertEquals(List.of("FunctionName"), dimensionSetsOf(doc, "AwsCalls"));
        assertEquals(List.of("FunctionName,Tool,Mode,Outcome", "FunctionName,Mode", "FunctionName,Outcome"),
                dimensionSetsOf(doc, "Calls"));
        assertEquals(List.of("FunctionName,Tool,Mode", "FunctionName,Mode"), dimensionSetsOf(doc, "UpstreamLatency"));
        assertEquals(dimensionSetsOf(doc, "UpstreamLatency"), dimensionSetsOf(doc, "ChargedMicroCredits"));

        assertEquals("tollgate-prod-ExecuteFunction-AbC123", doc.path("FunctionName").asText());
        assertEquals("openai", doc.path("Tool").asText());
        assertEquals("credits", doc.path("Mode").asText());
        assertEquals("ok", doc.path("Outcome").asText());
        assertMetric(doc, "Calls", 1);
        assertMetric(doc, "ChargedMicroCredits", 160_000);
        assertMetric(doc, "UpstreamLatency", 340);
        assertMetric(doc, "ColdStart", 1);
        assertMetric(doc, "AwsCalls", 3);
        assertMetric(doc, "DynamoDbCalls", 2);
        assertMetric(doc, "KmsCalls", 1);
        assertEquals(6.5, doc.path("AwsTime").asDouble());
        assertTrue(doc.path("ChargedMicroCredits").isIntegralNumber(), "money stays an integer");

        assertEquals("request", doc.path("msg").asText());
        assertEquals("POST /api/v1/execute", doc.path("route").asText());
        assertEquals(200, doc.path("status").asInt());
        assertEquals("req_0ABCDEF", doc.path("request_id").asText());
        assertEquals(LAMBDA_ID, doc.path("lambda_request_id").asText(), "a UUID id is not masked as a secret");
        assertEquals(APIGW_ID, doc.path("apigw_request_id").asText());
    }

    @Test
    void withoutAToolCallOnlyTheFunctionDirectiveAndItsCounters() throws Exception {
        RequestMetrics metrics = new RequestMetrics(null, false);
        metrics.count("HoldsReleased", 2);
        metrics.count("HoldsReleased", 1);

        JsonNode doc = document(metrics);

        assertValid(doc);
        assertEquals(1, doc.path("_aws").path("CloudWatchMetrics").size());
        assertEquals(List.of("FunctionName"), dimensionSetsOf(doc, "HoldsReleased"));
        assertMetric(doc, "HoldsReleased", 3);
        assertMetric(doc, "ColdStart", 0);
        assertMetric(doc, "AwsCalls", 0);
        assertFalse(doc.has("Tool") || doc.has("Calls"), doc.toString());
    }

    @Test
    void aCallThatNeverReachedTheProviderHasNoUpstreamLatency() throws Exception {
        RequestMetrics metrics = new RequestMetrics("f", false);
        metrics.call("openai", "none", "validation_failed", 0, -1);

        JsonNode doc = document(metrics);

        assertValid(doc);
        assertEquals(List.of("ChargedMicroCredits"), names(EmfDocuments.directiveOf(doc, "ChargedMicroCredits")));
        assertFalse(doc.has("UpstreamLatency"));
        assertEquals("validation_failed", doc.path("Outcome").asText());
    }

    private static List<String> names(JsonNode directive) {
        List<String> out = new java.util.ArrayList<>();
        directive.path("Metrics").forEach(m -> out.add(m.path("Name").asText()));
        return out;
    }

    @Test
    void everyLineOfAnInvocationCarriesItsIdsAndItEndsWithOneDocument() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        Log log = Log.get(InvocationTest.class);

        Invocation first = Invocation.begin(log, "fn", new Log.Correlation("req_1", LAMBDA_ID, APIGW_ID, null));
        log.warn("inside");
        RequestMetrics.current().count("Things", 2);
        first.end("request", "status", 201);
        log.warn("between");
        Invocation second = Invocation.begin(log, "fn", new Log.Correlation("req_2", null, null, "evt-1"));
        second.end("sweep finished");

        List<JsonNode> lines = EmfDocuments.lines(buffer.toString(StandardCharsets.UTF_8));
        assertEquals(4, lines.size(), lines.toString());
        for (JsonNode line : lines.subList(0, 2)) {
            assertEquals("req_1", line.path("request_id").asText());
            assertEquals(LAMBDA_ID, line.path("lambda_request_id").asText());
            assertEquals(APIGW_ID, line.path("apigw_request_id").asText());
        }
        assertValid(lines.get(1));
        assertMetric(lines.get(1), "Things", 2);
        assertFalse(lines.get(2).has("request_id"), "unbound after the end: " + lines.get(2));
        assertEquals("evt-1", lines.get(3).path("event_id").asText());
        assertMetric(lines.get(3), "ColdStart", 0);
        assertFalse(lines.get(3).has("Things"), "metrics do not leak into the next invocation");
    }

    @Test
    void outsideAnInvocationMetricsAreDiscarded() {
        RequestMetrics.current().call("openai", "byok", "ok", 0, 10);
        RequestMetrics.current().count("HoldsReleased", 1);
        RequestMetrics.current().awsCall("DynamoDb", 1);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(buffer, true, StandardCharsets.UTF_8));

        Log.Correlation ids = new Log.Correlation("req_3", null, null, null);
        Invocation.begin(Log.get(InvocationTest.class), "fn", ids).end("request");

        JsonNode doc = EmfDocuments.in(buffer.toString(StandardCharsets.UTF_8)).get(0);
        assertFalse(doc.has("Tool") || doc.has("HoldsReleased"), doc.toString());
        assertMetric(doc, "AwsCalls", 0);
    }

    @Test
    void primingRendersWithoutWritingOrBinding() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(buffer, true, StandardCharsets.UTF_8));

        Invocation.prime();

        assertEquals("", buffer.toString(StandardCharsets.UTF_8));
        assertNull(Log.correlation());
    }

    @Test
    void outsideIdsAreWrittenOnlyInTheShapeAwsGivesThem() {
        assertEquals(LAMBDA_ID, new Log.Correlation("req_1", LAMBDA_ID, null, null).lambdaRequestId());
        assertNull(new Log.Correlation("req_1", "id with spaces", null, null).lambdaRequestId());
        assertNull(new Log.Correlation("req_1", null, "\"quoted\"", null).apiGatewayRequestId());
        assertNull(new Log.Correlation("req_1", null, null, "x".repeat(129)).eventId());
    }
}
