package dev.tollgate.mcp;

import static dev.tollgate.mcp.McpTestSupport.call;
import static dev.tollgate.mcp.McpTestSupport.headers;
import static dev.tollgate.mcp.McpTestSupport.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.http.ApiResponse;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every transport rule of {@code /mcp}, each refused with its own status before any JSON-RPC is looked at. */
class McpEndpointTest {
    private static final String LIST = call(1, "tools/list", null);

    private final McpTestSupport mcp = new McpTestSupport();

    /** A rejection: the status, a JSON-RPC error with id null, and the Tollgate code in data. */
    private static JsonNode assertRejected(ApiResponse response, int status, String code) {
        assertEquals(status, response.status(), response.body());
        JsonNode body = json(response);
        assertEquals("2.0", body.path("jsonrpc").asText());
        assertTrue(body.has("id") && body.get("id").isNull(), response.body());
        assertEquals(McpEndpoint.TRANSPORT_ERROR, body.path("error").path("code").asInt());
        assertEquals(code, body.path("error").path("data").path("code").asText());
        assertEquals("req_test", body.path("error").path("data").path("request_id").asText());
        return body;
    }

    @Test
    void aWellFormedRequestIsAnsweredWithJsonAndNoSession() {
        ApiResponse response = mcp.post(LIST);
        assertEquals(200, response.status(), response.body());
        assertTrue(json(response).path("result").path("tools").isArray());
        assertFalse(response.headers().containsKey("Mcp-Session-Id"));
    }

    @Test
    void missingBearerTokenIs401WithTheBearerChallenge() {
        ApiResponse response = mcp.post(headers("authorization", null), LIST);
        assertRejected(response, 401, "unauthorized");
        assertTrue(response.headers().get("WWW-Authenticate").startsWith("Bearer"));
        assertTrue(mcp.executor.limits.isEmpty(), "nothing ran");
    }

    @Test
    void wrongBearerTokenIs401AndNotificationsNeedItToo() {
        assertRejected(mcp.post(headers("authorization", "Bearer tg_test_wrong"), LIST), 401, "unauthorized");
        assertRejected(mcp.post(headers("authorization", "Basic dXNlcjpwYXNz"),
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"), 401, "unauthorized");
    }

    @Test
    void unsupportedProtocolVersionHeaderIs400() {
        JsonNode body = assertRejected(mcp.post(headers("mcp-protocol-version", "2024-11-05"), LIST), 400,
                "unsupported_protocol_version");
        assertEquals("2025-11-25", body.path("error").path("data").path("supported").path(0).asText());
        assertRejected(mcp.post(headers("mcp-protocol-version", "banana"), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                400, "unsupported_protocol_version");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2025-06-18", "2025-03-26"})
    void everySupportedVersionHeaderIsAccepted(String version) {
        assertEquals(200, mcp.post(headers("mcp-protocol-version", version), LIST).status());
    }

    @Test
    void initializeNegotiatesInItsBodyWhateverTheHeaderSays() {
        ApiResponse response = mcp.post(headers("mcp-protocol-version", "2099-01-01"),
                call(0, "initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}"));
        assertEquals(200, response.status(), response.body());
        assertEquals("2025-06-18", json(response).path("result").path("protocolVersion").asText());
    }

    @Test
    void originOutsideTheAllowListIs403EvenBeforeAuthentication() {
        assertRejected(mcp.post(headers("origin", "https://evil.example"), LIST), 403, "origin_not_allowed");
        assertRejected(mcp.post(headers("origin", "https://evil.example", "authorization", null), LIST), 403,
                "origin_not_allowed");
        assertRejected(mcp.post(headers("origin", "null"), LIST), 403, "origin_not_allowed");
        assertRejected(mcp.post(headers("origin", "https://app.example.com.evil.example"), LIST), 403, "origin_not_allowed");
    }

    @Test
    void originInTheAllowListOrNoOriginIsServed() {
        assertEquals(200, mcp.post(headers("origin", "https://app.example.com"), LIST).status());
        assertEquals(200, mcp.post(headers("origin", "HTTPS://APP.EXAMPLE.COM/"), LIST).status());
        assertEquals(200, mcp.post(headers("origin", null), LIST).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:6274", "http://127.0.0.1:5173", "http://[::1]:8080", "http://localhost",
            "HTTP://LOCALHOST:6274/"})
    void locallyLoopbackOriginsOnAnyPortAreServed(String origin) {
        McpTestSupport local = new McpTestSupport(new McpSettings(java.util.Set.of(), true, 50, "9.9.9",
                McpSettings.Limits.DEFAULTS));
        assertEquals(200, local.post(headers("origin", origin), LIST).status());
        assertRejected(mcp.post(headers("origin", origin), LIST), 403, "origin_not_allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://localhost:6274", "http://localhost.evil.example", "http://127.0.0.1.nip.io:80",
            "http://evil.example:6274", "http://user@localhost:6274", "http://localhost:6274/path", "http://localhost:",
            "http://[::1].evil.example", "null"})
    void locallyOtherOriginsAreStillRefused(String origin) {
        McpTestSupport local = new McpTestSupport(new McpSettings(java.util.Set.of(), true, 50, "9.9.9",
                McpSettings.Limits.DEFAULTS));
        assertRejected(local.post(headers("origin", origin), LIST), 403, "origin_not_allowed");
    }

    @Test
    void withAnEmptyAllowListEveryBrowserOriginIsRefused() {
        McpTestSupport closed = new McpTestSupport(50, java.util.Set.of());
        assertRejected(closed.post(headers("origin", "http://localhost:6274"), LIST), 403, "origin_not_allowed");
        assertEquals(200, closed.post(LIST).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/event-stream", "text/html", "application/json;q=0, text/event-stream", "application/xml"})
    void acceptWithoutJsonIs406(String accept) {
        assertRejected(mcp.post(headers("accept", accept), LIST), 406, "not_acceptable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json, text/event-stream", "*/*", "application/*;q=0.5",
            "text/event-stream, application/json;q=0.9"})
    void acceptAllowingJsonIsServed(String accept) {
        assertEquals(200, mcp.post(headers("accept", accept), LIST).status());
    }

    @Test
    void noAcceptHeaderMeansAnything() {
        assertEquals(200, mcp.post(headers("accept", null), LIST).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"})
    void nonJsonContentTypeIs415(String type) {
        assertRejected(mcp.post(headers("content-type", type), LIST), 415, "unsupported_media_type");
    }

    @Test
    void missingContentTypeIs415AndCharsetIsFine() {
        assertRejected(mcp.post(headers("content-type", null), LIST), 415, "unsupported_media_type");
        assertEquals(200, mcp.post(headers("content-type", "application/json; charset=utf-8"), LIST).status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json; charset=utf-16", "application/json;charset=ISO-8859-1"})
    void jsonInAnotherCharsetThanUtf8Is415(String type) {
        assertRejected(mcp.post(headers("content-type", type), LIST), 415, "unsupported_media_type");
    }

    @Test
    void aNumberBombIsRefusedWhileParsingWithItsPointer() {
        ApiResponse response = mcp.post(call(1, "tools/call",
                "{\"name\":\"context7_resolve_library\",\"arguments\":{\"query\":\"react\",\"x\":1e999999999}}"));
        assertEquals(400, response.status(), response.body());
        JsonNode error = json(response).path("error");
        assertEquals(-32600, error.path("code").asInt());
        assertEquals("validation_failed", error.path("data").path("code").asText());
        assertEquals("/params/arguments/x", error.path("data").path("pointer").asText());
        assertTrue(mcp.executor.limits.isEmpty(), "nothing ran");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE"})
    void getAndDeleteAre405WithAllowPost(String method) {
        ApiResponse response = mcp.endpoint.methodNotAllowed(McpTestSupport.request(method, headers(), null));
        JsonNode body = assertRejected(response, 405, "method_not_allowed");
        assertEquals("POST", response.headers().get("Allow"));
        assertEquals("POST", body.path("error").path("data").path("allowed").path(0).asText());
    }

    @Test
    void aNotificationIs202WithoutBody() {
        ApiResponse response = mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertEquals(202, response.status());
        assertNull(response.body());
    }

    @Test
    void aClientResponseIs202WithoutBody() {
        ApiResponse response = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}");
        assertEquals(202, response.status());
        assertNull(response.body());
    }

    @Test
    void sessionIdsAreIgnored() {
        ApiResponse response = mcp.post(headers("mcp-session-id", "made-up"), LIST);
        assertEquals(200, response.status());
        assertFalse(response.headers().containsKey("Mcp-Session-Id"));
        assertEquals(Map.of(), response.headers());
    }
}
