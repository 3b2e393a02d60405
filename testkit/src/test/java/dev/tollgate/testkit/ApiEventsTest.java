package dev.tollgate.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiEventsTest {
    private static final String EVENT = "/events/post-order-note.json";

    @Test
    void deserialisesEveryFieldApiGatewaySends() {
        APIGatewayV2HTTPEvent event = ApiEvents.fromClasspath(EVENT, Map.of());

        assertEquals("2.0", event.getVersion());
        assertEquals("POST /api/v1/orders/{id}/notes", event.getRouteKey());
        assertEquals("/api/v1/orders/ord_123/notes", event.getRawPath());
        assertEquals("expand=lines&expand=customer&limit=10", event.getRawQueryString());
        assertEquals(List.of("session=abc123", "theme=dark"), event.getCookies());
        assertEquals("application/octet-stream", event.getHeaders().get("content-type"));
        assertEquals(Map.of("expand", "lines,customer", "limit", "10"), event.getQueryStringParameters());
        assertEquals(Map.of("id", "ord_123"), event.getPathParameters());
        assertTrue(event.getIsBase64Encoded());
        assertArrayEquals(new byte[] {0, 1, 2, 3, (byte) 0xfe, (byte) 0xff},
                java.util.Arrays.copyOf(Base64.getDecoder().decode(event.getBody()), 6));

        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        assertEquals("123456789012", context.getAccountId());
        assertEquals("abc123def4", context.getApiId());
        assertEquals("POST", context.getHttp().getMethod());
        assertEquals("/api/v1/orders/ord_123/notes", context.getHttp().getPath());
        assertEquals("HTTP/1.1", context.getHttp().getProtocol());
        assertEquals("203.0.113.7", context.getHttp().getSourceIp());
        assertEquals("curl/8.5.0", context.getHttp().getUserAgent());
        assertEquals("JKJaXmPLvHcESHA=", context.getRequestId());
        assertEquals("$default", context.getStage());
        assertEquals(1733486403123L, context.getTimeEpoch());
        assertEquals("arn:aws:iam::123456789012:user/operator", context.getAuthorizer().getIam().getUserArn());
        assertEquals("o-abc123", context.getAuthorizer().getIam().getPrincipalOrgId());
        assertNull(context.getAuthorizer().getJwt());
    }

    @Test
    void replacesPlaceholdersBeforeParsingAndEscapesValues() {
        APIGatewayV2HTTPEvent event = ApiEvents.fromClasspath(EVENT, Map.of("${API_KEY}", "tg_test_\"quoted\"\\"));
        assertEquals("Bearer tg_test_\"quoted\"\\", event.getHeaders().get("authorization"));

        assertEquals("{\"a\":\"x\\ny\"}", ApiEvents.replacePlaceholders("{\"a\":\"${V}\"}", Map.of("${V}", "x\ny")));
        assertEquals("Bearer ${API_KEY}", ApiEvents.fromClasspath(EVENT, Map.of()).getHeaders().get("authorization"));
    }

    @Test
    void helpersOverrideBodyAndHeaders() {
        APIGatewayV2HTTPEvent event = ApiEvents.fromClasspath(EVENT, Map.of());
        ApiEvents.withJsonBody(event, Map.of("note", "hello"));
        assertEquals("{\"note\":\"hello\"}", event.getBody());
        assertFalse(event.getIsBase64Encoded());
        assertEquals("application/json", event.getHeaders().get("content-type"));

        ApiEvents.withHeader(event, "X-Tollgate-Workspace", "ws_1");
        assertEquals("ws_1", event.getHeaders().get("x-tollgate-workspace"));
        ApiEvents.withoutHeader(event, "Authorization");
        assertFalse(event.getHeaders().containsKey("authorization"));

        ApiEvents.withBinaryBody(event, "hé".getBytes(StandardCharsets.UTF_8));
        assertTrue(event.getIsBase64Encoded());
        assertEquals("hé", new String(Base64.getDecoder().decode(event.getBody()), StandardCharsets.UTF_8));
    }

    @Test
    void serialisesWithApiGatewayFieldNames() throws Exception {
        APIGatewayV2HTTPEvent event = ApiEvents.fromClasspath(EVENT, Map.of());
        JsonNode json = new ObjectMapper().readTree(ApiEvents.toJson(event));
        assertTrue(json.get("isBase64Encoded").booleanValue());
        assertEquals("/api/v1/orders/ord_123/notes", json.get("rawPath").asText());
        assertEquals("POST", json.at("/requestContext/http/method").asText());
        assertEquals("AIDAEXAMPLECALLER000", json.at("/requestContext/authorizer/iam/callerId").asText());
        assertFalse(json.has("base64Encoded"));

        APIGatewayV2HTTPEvent again = ApiEvents.parse(ApiEvents.toJson(event), Map.of());
        assertEquals(event, again);
    }

    @Test
    void failsClearlyOnMissingOrInvalidInput() {
        assertThrows(IllegalArgumentException.class, () -> ApiEvents.fromClasspath("/events/nope.json", Map.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiEvents.parse("{\"version\": [}", Map.of()));
        assertTrue(e.getMessage().startsWith("not an API Gateway v2 event"), e.getMessage());
    }
}
