package dev.tollgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final Router router = new Router()
            .route("POST /admin/v1/accounts", r -> ApiResponse.created(Map.of("name", Bodies.requireString(r.jsonBody(), "name", 10))))
            .route("GET /api/v1/key", r -> { throw new IllegalStateException("boom sk-proj-abcdefghijklmnopqrstuvwxyz"); })
            .route("GET /api/v1/ledger", r -> { throw new StackOverflowError(); })
            .route("GET /api/v1/byok/{id}", r -> ApiResponse.ok(Map.of("id", r.pathParameter("id"))));

    private static APIGatewayV2HTTPEvent withPathParameter(String id) {
        APIGatewayV2HTTPEvent event = event("GET /api/v1/byok/{id}", "GET", "/api/v1/byok/x", null, Map.of());
        event.setPathParameters(Map.of("id", id));
        return event;
    }

    private static APIGatewayV2HTTPEvent event(String routeKey, String method, String path, String body, Map<String, String> headers) {
        return APIGatewayV2HTTPEvent.builder()
                .withRouteKey(routeKey).withRawPath(path).withBody(body).withHeaders(headers)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build())
                        .build())
                .build();
    }

    private static JsonNode error(APIGatewayV2HTTPResponse response) throws Exception {
        JsonNode body = Json.read(response.getBody());
        assertTrue(body.path("error").path("request_id").asText().startsWith("req_"));
        assertEquals(response.getHeaders().get("X-Request-Id"), body.path("error").path("request_id").asText());
        return body.path("error");
    }

    @Test
    void dispatchesOnTheRouteKey() throws Exception {
        var response = router.handle(event("POST /admin/v1/accounts", "POST", "/admin/v1/accounts", "{\"name\":\"a\"}",
                Map.of("content-type", "application/json")));
        assertEquals(201, response.getStatusCode());
        assertEquals("a", Json.read(response.getBody()).path("name").asText());
    }

    @Test
    void unknownPathIs404AndKnownPathWithOtherMethodIs405() throws Exception {
        var notFound = router.handle(event("$default", "GET", "/api/v1/nope", null, Map.of()));
        assertEquals(404, notFound.getStatusCode());
        assertEquals("not_found", error(notFound).path("code").asText());

        var wrongMethod = router.handle(event("$default", "DELETE", "/api/v1/key", null, Map.of()));
        assertEquals(405, wrongMethod.getStatusCode());
        assertEquals("method_not_allowed", error(wrongMethod).path("code").asText());
        assertEquals("GET", error(wrongMethod).path("allowed").get(0).asText());
    }

    @Test
    void badBodiesGetTheirOwnCodes() throws Exception {
        Map<String, String> json = Map.of("content-type", "application/json");
        assertEquals("invalid_json", error(router.handle(event("POST /admin/v1/accounts", "POST", "/admin/v1/accounts", "{nope", json))).path("code").asText());
        assertEquals("invalid_json", error(router.handle(event("POST /admin/v1/accounts", "POST", "/admin/v1/accounts", "[1]", json))).path("code").asText());
        assertEquals("invalid_json", error(router.handle(event("POST /admin/v1/accounts", "POST", "/admin/v1/accounts", "", json))).path("code").asText());
        var validation = router.handle(event("POST /admin/v1/accounts", "POST", "/admin/v1/accounts", "{\"name\":5}", json));
        assertEquals(400, validation.getStatusCode());
        assertEquals("/name", error(validation).path("pointer").asText());
        var media = router.handle(event("POST /admin/v1/accounts", "POST", "/admin/v1/accounts", "name=a", Map.of("content-type", "text/plain")));
        assertEquals(415, media.getStatusCode());
    }

    @Test
    void bodiesOverOneMebibyteAre413EvenWhenBase64Encoded() throws Exception {
        String big = "{\"name\":\"" + "a".repeat(1024 * 1024) + "\"}";
        var plain = router.handle(event("POST /admin/v1/accounts", "POST", "/admin/v1/accounts", big, Map.of()));
        assertEquals(413, plain.getStatusCode());
        assertEquals("payload_too_large", error(plain).path("code").asText());
        var encoded = event("POST /admin/v1/accounts", "POST", "/admin/v1/accounts",
                Base64.getEncoder().encodeToString(big.getBytes(StandardCharsets.UTF_8)), Map.of());
        encoded.setIsBase64Encoded(true);
        assertEquals(413, router.handle(encoded).getStatusCode());
    }

    @Test
    void aDoorWithItsOwnEnvelopeRendersEveryFailureInIt() throws Exception {
        Router jsonRpc = new Router((e, requestId) -> ApiResponse.json(e.status(),
                Map.of("jsonrpc", "2.0", "error", Map.of("code", -32000, "data", Map.of("code", e.code().code())))))
                .route("POST /mcp", r -> { throw new OutOfMemoryError("Java heap space"); });
        var response = jsonRpc.handle(event("POST /mcp", "POST", "/mcp", "{}", Map.of()));
        assertEquals(500, response.getStatusCode());
        assertEquals("internal_error", Json.read(response.getBody()).path("error").path("data").path("code").asText());
    }

    @Test
    void aRouteWithItsOwnEnvelopeKeepsItWhileTheOtherRoutesAnswerRest() throws Exception {
        Router a2a = new Router()
                .route("GET /.well-known/agent-card.json", r -> { throw new IllegalStateException("bug"); })
                .route("POST /a2a", r -> ApiResponse.ok(Map.of()), ErrorResponses::jsonRpcRejection);
        String big = "{\"pad\":\"" + "a".repeat(1_100_000) + "\"}";
        var tooLarge = a2a.handle(event("POST /a2a", "POST", "/a2a", big, Map.of()));
        assertEquals(413, tooLarge.getStatusCode());
        JsonNode rpc = Json.read(tooLarge.getBody());
        assertEquals("2.0", rpc.path("jsonrpc").asText());
        assertEquals("payload_too_large", rpc.path("error").path("data").path("code").asText());
        var card = a2a.handle(event("GET /.well-known/agent-card.json", "GET", "/.well-known/agent-card.json", null,
                Map.of()));
        assertEquals("internal_error", error(card).path("code").asText());
    }

    @Test
    void aTrailingSlashIsAnotherPathAnd404NeverAMisconfiguration() throws Exception {
        var slash = router.handle(event("$default", "GET", "/api/v1/key/", null, Map.of()));
        assertEquals(404, slash.getStatusCode());
        assertTrue(error(slash).path("message").asText().contains("trailing slash"));
        assertEquals(404, router.handle(event("$default", "POST", "/api/v1/key/", null, Map.of())).getStatusCode());
        // A declared route API Gateway did not pick (here: delivered to $default) does not exist for the caller.
        assertEquals(404, router.handle(event("$default", "GET", "/api/v1/key", null, Map.of())).getStatusCode());
    }

    @Test
    void pathParametersThatCannotBeIdsAre404BeforeAnyLookup() throws Exception {
        assertEquals(200, router.handle(withPathParameter("byok_08E1WkFJrQwUAeznfuNfw3zH")).getStatusCode());
        for (String id : new String[] {"a".repeat(3000), "..", "%2e%2e", "a/b", "a\u0000b", "\u202eevil", "byok_ä"}) {
            var response = router.handle(withPathParameter(id));
            assertEquals(404, response.getStatusCode(), id);
            assertEquals("not_found", error(response).path("code").asText());
        }
    }

    @Test
    void overlongOrTooManyQueryParametersAre400() throws Exception {
        APIGatewayV2HTTPEvent longValue = event("GET /api/v1/key", "GET", "/api/v1/key", null, Map.of());
        longValue.setQueryStringParameters(Map.of("cursor", "c".repeat(ApiRequest.MAX_QUERY_VALUE_LENGTH + 1)));
        var response = router.handle(longValue);
        assertEquals(400, response.getStatusCode());
        assertEquals("/cursor", error(response).path("pointer").asText());
        APIGatewayV2HTTPEvent many = event("GET /api/v1/key", "GET", "/api/v1/key", null, Map.of());
        Map<String, String> query = new java.util.HashMap<>();
        for (int i = 0; i <= ApiRequest.MAX_QUERY_PARAMETERS; i++) {
            query.put("p" + i, "v");
        }
        many.setQueryStringParameters(query);
        assertEquals(400, router.handle(many).getStatusCode());
    }

    /** A bug (IllegalStateException) and a JVM Error (StackOverflowError) alike. */
    @Test
    void unexpectedFailuresAre500WithoutLeakingTheirMessage() throws Exception {
        for (String route : new String[] {"/api/v1/key", "/api/v1/ledger"}) {
            var response = router.handle(event("GET " + route, "GET", route, null, Map.of()));
            assertEquals(500, response.getStatusCode());
            assertEquals("internal_error", error(response).path("code").asText());
            assertFalse(response.getBody().contains("boom") || response.getBody().contains("StackOverflow"));
        }
    }
}
