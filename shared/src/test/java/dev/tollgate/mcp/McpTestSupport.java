package dev.tollgate.mcp;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.auth.Caller;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.json.Json;
import dev.tollgate.testing.FakeToolExecutor;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/** An {@link McpEndpoint} over a fake gate (one good token) and a {@link FakeToolExecutor}; requests built in code. */
final class McpTestSupport {
    static final String TOKEN = "tg_test_good";
    static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));
    static final Acting ACTING = new Acting(new Caller("key_1", Caller.PrincipalType.PERSON, "prn_1", "acct_1"),
            new Account("acct_1", Account.Type.PERSONAL, Plan.PRO, Account.Status.ACTIVE, "Test", Instant.EPOCH));

    final FakeToolExecutor executor = new FakeToolExecutor(CATALOG);
    final McpEndpoint endpoint;
    /** What the function has left, as Lambda's Context would say; no deadline unless a test sets one. */
    LongSupplier remainingMillis = () -> Long.MAX_VALUE;

    McpTestSupport(McpSettings settings) {
        McpTools tools = new McpTools(executor, acting -> Map.of("account_id", acting.accountId(),
                "credits_remaining", new BigDecimal("42.5"), "byok_providers", List.of()), CATALOG, settings.pageSize());
        endpoint = new McpEndpoint(settings, McpTestSupport::gate,
                new McpDispatcher(tools, settings.serverVersion(), settings.limits()));
    }

    McpTestSupport(int pageSize, Set<String> origins) {
        this(new McpSettings(origins, pageSize, "9.9.9"));
    }

    McpTestSupport() {
        this(50, Set.of("https://app.example.com"));
    }

    private static Acting gate(ApiRequest request, String provider) {
        if (!request.header("authorization").map(("Bearer " + TOKEN)::equals).orElse(false)) {
            throw TollgateException.unauthorized();
        }
        return ACTING;
    }

    /** Headers a well-behaved client sends, plus the overrides (a null value removes the header). */
    static Map<String, String> headers(String... overrides) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("authorization", "Bearer " + TOKEN);
        headers.put("content-type", "application/json");
        headers.put("accept", "application/json, text/event-stream");
        headers.put("mcp-protocol-version", "2025-06-18");
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                headers.remove(overrides[i]);
            } else {
                headers.put(overrides[i], overrides[i + 1]);
            }
        }
        return headers;
    }

    static ApiRequest request(String method, Map<String, String> headers, String body) {
        return request(method, headers, body, null);
    }

    static ApiRequest request(String method, Map<String, String> headers, String body, LongSupplier remainingMillis) {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " /mcp")
                .withRawPath("/mcp")
                .withHeaders(new HashMap<>(headers))
                .withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath("/mcp").build())
                        .build())
                .build();
        return ApiRequest.from(event, "req_test", remainingMillis);
    }

    ApiResponse post(Map<String, String> headers, String body) {
        return endpoint.post(request("POST", headers, body, remainingMillis));
    }

    ApiResponse post(String body) {
        return post(headers(), body);
    }

    static String call(Object id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + Json.write(id) + ",\"method\":\"" + method + "\""
                + (params == null ? "" : ",\"params\":" + params) + "}";
    }

    static JsonNode json(ApiResponse response) {
        try {
            return Json.read(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }
}
