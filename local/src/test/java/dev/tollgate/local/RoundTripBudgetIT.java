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
        ExecutionInterceptor counter = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                CALLS.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + ":"
                        + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        };
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find())
                .withEnvironment(Map.of("TOLLGATE_UPSTREAM_TAVILY_URL", upstream.baseUrl(),
                        "TOLLGATE_PLATFORM_KEY_TAVILY", "tvly-budgetPLATFORMkey000000001"))
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
        }
        return accounts.issueApiKey(account.id(), "budget", "test").token();
    }

    private static List<String> callsOfOneWarmExecute(String token, String expectedMode) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/execute"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SEARCH)).build();
        HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        CALLS.clear();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode billing = JSON.readTree(response.body()).path("billing");
        assertEquals(expectedMode, billing.path("mode").asText());
        return List.copyOf(CALLS);
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
