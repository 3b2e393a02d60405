package dev.tollgate.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.RepoRoot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * AWS round trips per warm request, counted (not timed) with an SDK interceptor, so a change that adds one shows up
 * here. SPEC §11.4's budgets: credits mode 3 DynamoDB calls (one BatchGetItem of the API key, the account, its
 * balance and the provider's key pointers; reserve; capture); BYOK mode 2 (that read, the usage record) plus one KMS
 * Decrypt when deployed (the local keyring here). Without any cache: a revoked API key and a deleted BYOK key show on
 * the very next request.
 */
class RoundTripBudgetIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SEARCH = "{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"budget\"}}";
    private static final List<String> CALLS = new CopyOnWriteArrayList<>();

    private static WireMockServer upstream;
    private static LocalTollgate tollgate;
    private static String base;

    @BeforeAll
    static void start() {
        upstream = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        upstream.stubFor(post(urlPathEqualTo("/search")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[]}")));
        upstream.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"chatcmpl-1\",\"object\":"
                        + "\"chat.completion\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":"
                        + "{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],\"usage\":"
                        + "{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}")));
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                CALLS.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                        + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        };
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find())
                .withEnvironment(Map.of("TOLLGATE_UPSTREAM_TAVILY_URL", upstream.baseUrl(),
                        "TOLLGATE_PLATFORM_KEY_TAVILY", "tvly-budgetPLATFORMkey000000001",
                        "TOLLGATE_UPSTREAM_OPENAI_URL", upstream.baseUrl()))
                .withAwsInterceptor(counter));
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void stop() {
        tollgate.close();
        upstream.stop();
    }

    private static String account(boolean byok) throws Exception {
        var accounts = tollgate.services().accountService();
        Account account = accounts.create(Account.Type.PERSONAL, Plan.PRO, "budget", "test");
        accounts.topUp(account.id(), 100_000_000L, "budget", "test");
        if (byok) {
            tollgate.services().keyRegistry().registerPersonal(account, "test", "tavily",
                    "tvly-budgetCUSTOMERkey000000001", null, false);
            tollgate.services().keyRegistry().registerPersonal(account, "test", "openai",
                    "sk-proj-budgetCUSTOMERkey00000001", null, false);
        }
        return accounts.issueApiKey(account.id(), "budget", "test").token();
    }

    private static List<String> callsOfOneWarmExecute(String token, String expectedMode) throws Exception {
        HttpResponse<String> response = secondOf(token, "/api/v1/execute", SEARCH, Map.of());
        JsonNode billing = JSON.readTree(response.body()).path("billing");
        assertEquals(expectedMode, billing.path("mode").asText());
        return List.copyOf(CALLS);
    }

    /** The AWS calls of the second of two identical POSTs (the first warms the path), in {@link #CALLS}. */
    private static HttpResponse<String> secondOf(String token, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        CALLS.clear();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }

    @Test
    void creditsModeMakesThreeDynamoDbRoundTripsAndNoKmsCall() throws Exception {
        List<String> calls = callsOfOneWarmExecute(account(false), "credits");
        assertEquals(List.of("DynamoDb:BatchGetItem", "DynamoDb:TransactWriteItems", "DynamoDb:TransactWriteItems"),
                calls, calls.toString());
        assertEquals(3, calls.stream().filter(c -> c.startsWith("DynamoDb:")).count(), calls.toString());
        assertEquals(2, calls.stream().filter(c -> c.equals("DynamoDb:TransactWriteItems")).count(), calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.startsWith("Kms:")), calls.toString());
    }

    @Test
    void byokModeMakesTwoDynamoDbRoundTrips() throws Exception {
        List<String> calls = callsOfOneWarmExecute(account(true), "byok");
        assertEquals(List.of("DynamoDb:BatchGetItem", "DynamoDb:PutItem"), calls, calls.toString());
        assertEquals(2, calls.stream().filter(c -> c.startsWith("DynamoDb:")).count(), calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.contains("TransactWriteItems")), "BYOK moves no credits: " + calls);
    }

    /**
     * The MCP and OpenAI doors name the provider before authenticating (the tool of a single {@code tools/call}, the
     * model's provider), so the BYOK key pointers come with the API key: no {@code Query} of the account's keys.
     */
    @Test
    void byokThroughMcpMakesTheSameTwoRoundTripsAsRest() throws Exception {
        HttpResponse<String> response = secondOf(account(true), "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"tavily_search\",\"arguments\":{\"query\":"
                + "\"budget\"}}}", Map.of("Accept", "application/json, text/event-stream"));
        List<String> calls = List.copyOf(CALLS);
        assertTrue(response.body().contains("\"byok\""), response.body());
        assertEquals(List.of("DynamoDb:BatchGetItem", "DynamoDb:PutItem"), calls, calls.toString());
    }

    @Test
    void byokThroughTheOpenAiDoorMakesTheSameTwoRoundTripsAsRest() throws Exception {
        HttpResponse<String> response = secondOf(account(true), "/v1/chat/completions", "{\"model\":"
                + "\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Map.of());
        List<String> calls = List.copyOf(CALLS);
        assertEquals("byok", response.headers().firstValue("x-tollgate-billing-mode").orElse(""), response.body());
        assertEquals(List.of("DynamoDb:BatchGetItem", "DynamoDb:PutItem"), calls, calls.toString());
    }

    /** A2A: every message is idempotent by its messageId (claim, then the usage record with the stored task). */
    @Test
    void byokThroughA2aReadsTheKeyPointersWithTheApiKey() throws Exception {
        String token = account(true);
        String message = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"message/send\",\"params\":{\"message\":"
                + "{\"kind\":\"message\",\"role\":\"user\",\"messageId\":\"%s\",\"parts\":[{\"kind\":\"data\","
                + "\"data\":{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"budget\"}}}]}}}";
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + "/a2a"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
        HTTP.send(post.POST(HttpRequest.BodyPublishers.ofString(message.formatted("budget-warm"))).build(),
                HttpResponse.BodyHandlers.ofString());
        CALLS.clear();
        HttpResponse<String> response = HTTP.send(post.POST(HttpRequest.BodyPublishers.ofString(
                message.formatted("budget-measured"))).build(), HttpResponse.BodyHandlers.ofString());
        List<String> calls = List.copyOf(CALLS);
        assertTrue(response.body().contains("\"byok\""), response.body());
        assertEquals("DynamoDb:BatchGetItem", calls.get(0), calls.toString());
        assertTrue(calls.stream().noneMatch(c -> c.equals("DynamoDb:Query")), calls.toString());
    }

    @Test
    void aToolListingReadsTheKeyAccountAndBalanceOnceAndTheAccountsProviderKeysOnce() throws Exception {
        String token = account(true);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/tools?limit=100"))
                .header("Authorization", "Bearer " + token).GET().build();
        HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        CALLS.clear();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        List<String> calls = List.copyOf(CALLS);
        assertEquals(List.of("DynamoDb:BatchGetItem", "DynamoDb:Query"), calls, calls.toString());
    }
}
