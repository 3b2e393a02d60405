package dev.tollgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {
    private final Router router = new Router()
            .route("POST /admin/v1/accounts", r -> ApiResponse.created(Map.of("name", Bodies.requireString(r.jsonBody(), "name", 10))))
            .route("GET /api/v1/key", r -> { throw new IllegalStateException("boom sk-proj-abcdefghijklmnopqrstuvwxyz"); });

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
    void unexpectedFailuresAre500WithoutLeakingTheirMessage() throws Exception {
        var response = router.handle(event("GET /api/v1/key", "GET", "/api/v1/key", null, Map.of()));
        assertEquals(500, response.getStatusCode());
        assertEquals("internal_error", error(response).path("code").asText());
        assertFalse(response.getBody().contains("boom"));
    }
}
