package dev.tollgate.a2a;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.auth.Caller;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.ToolInvoker;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.json.Json;
import dev.tollgate.testing.FakeToolExecutor;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link A2aEndpoint} over a fake gate (two accounts' tokens), a {@link FakeToolExecutor} and tasks in memory. */
final class A2aTestSupport {
    static final String TOKEN = "tg_test_good";
    static final String OTHER_TOKEN = "tg_test_other";
    static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));
    static final Acting ACTING = acting("acct_1");
    static final Acting OTHER = acting("acct_2");

    final FakeToolExecutor executor = new FakeToolExecutor(CATALOG);
    final MemoryTaskStore store = new MemoryTaskStore();
    final A2aEndpoint endpoint;

    A2aTestSupport() {
        ToolInvoker invoker = new ToolInvoker(executor, acting -> Map.of("account_id", acting.accountId(),
                "credits_remaining", new BigDecimal("42.5"), "byok_providers", List.of()), CATALOG);
        A2aTasks tasks = new A2aTasks(invoker, store, Clock.fixed(Instant.parse("2026-04-16T12:00:00Z"), ZoneOffset.UTC));
        endpoint = new A2aEndpoint(new AgentCards(CATALOG, "9.9.9"), A2aTestSupport::gate, new A2aDispatcher(tasks));
    }

    private static Acting acting(String accountId) {
        return new Acting(new Caller("key_" + accountId, Caller.PrincipalType.PERSON, "prn_" + accountId, accountId),
                new Account(accountId, Account.Type.PERSONAL, Plan.PRO, Account.Status.ACTIVE, "Test", Instant.EPOCH));
    }

    private static Acting gate(ApiRequest request, String provider) {
        String authorization = request.header("authorization").orElse("");
        if (authorization.equals("Bearer " + TOKEN)) {
            return ACTING;
        }
        if (authorization.equals("Bearer " + OTHER_TOKEN)) {
            return OTHER;
        }
        throw TollgateException.unauthorized();
    }

    static ApiRequest request(String method, String path, Map<String, String> headers, String body) {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " " + path)
                .withRawPath(path)
                .withHeaders(new HashMap<>(headers))
                .withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build())
                        .withStage("$default")
                        .withDomainName("abc123.execute-api.eu-west-1.amazonaws.com")
                        .build())
                .build();
        return ApiRequest.from(event, "req_test");
    }

    ApiResponse post(String token, String body) {
        return endpoint.post(request("POST", "/a2a", Map.of("authorization", "Bearer " + token,
                "content-type", "application/json"), body));
    }

    JsonNode rpc(String body) {
        ApiResponse response = post(TOKEN, body);
        if (response.status() != 200) {
            throw new AssertionError("HTTP " + response.status() + " " + response.body());
        }
        return json(response);
    }

    static String request(Object id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + Json.write(id) + ",\"method\":\"" + method + "\""
                + (params == null ? "" : ",\"params\":" + params) + "}";
    }

    /** message/send with one message whose parts are given as JSON. */
    static String send(String messageId, String parts) {
        return request(1, "message/send", "{\"message\":{\"kind\":\"message\",\"role\":\"user\",\"messageId\":"
                + Json.write(messageId) + ",\"parts\":" + parts + "}}");
    }

    static String dataPart(String data) {
        return "[{\"kind\":\"data\",\"data\":" + data + "}]";
    }

    static JsonNode json(ApiResponse response) {
        try {
            return Json.read(response.body());
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    /** Tasks in a map, keyed like the DynamoDB store: by account and task id. */
    static final class MemoryTaskStore implements TaskStore {
        final Map<String, Stored> tasks = new ConcurrentHashMap<>();
        final Map<String, String> states = new ConcurrentHashMap<>();

        @Override
        public void put(String accountId, String taskId, String state, byte[] task, boolean gzip, Instant now,
                        Instant expiresAt) {
            String key = accountId + "#" + taskId;
            if (!"completed".equals(states.get(key))) {
                tasks.put(key, new Stored(task, gzip));
                states.put(key, state);
            }
        }

        @Override
        public Optional<Stored> find(String accountId, String taskId, Instant now) {
            return Optional.ofNullable(tasks.get(accountId + "#" + taskId));
        }
    }
}
