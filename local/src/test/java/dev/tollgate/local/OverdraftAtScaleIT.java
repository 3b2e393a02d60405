package dev.tollgate.local;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.paging.Page;
import dev.tollgate.testing.ShardBooks;
import dev.tollgate.testkit.RepoRoot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The no-overdraft proof at scale (issue 10): 1,000 concurrent 1-credit executes over HTTP, through the local runner
 * and the real handlers, on an account holding 100 credits. Exactly 100 succeed, every other one is 402, the balance
 * ends at 0 with nothing held, and the ledger adds up. The run's duration is printed for docs/RELIABILITY.md.
 */
class OverdraftAtScaleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = 1_000;
    private static final long BALANCE = 100 * Credits.MICROS_PER_CREDIT;
    private static final String SEARCH = "{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"scale\"}}";

    /** DynamoDB calls by operation during the run ("refused": a failed condition or a lost race). */
    private static final Map<String, Integer> DYNAMO_CALLS = new ConcurrentHashMap<>();
    private static WireMockServer upstream;
    private static LocalTollgate tollgate;
    private static ExecutorService clientThreads;

    @BeforeAll
    static void start() {
        upstream = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .containerThreads(64));
        upstream.start();
        upstream.stubFor(post(urlPathEqualTo("/search")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"results\":[]}")));
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find())
                .withEnvironment(Map.of("TOLLGATE_UPSTREAM_TAVILY_URL", upstream.baseUrl(),
                        "TOLLGATE_PLATFORM_KEY_TAVILY", "tvly-scalePLATFORMkey0000000001"))
                .withAwsInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                        count(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
                    }

                    @Override
                    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
                        count(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME) + " refused");
                    }
                }));
        clientThreads = Executors.newFixedThreadPool(8);
    }

    @AfterAll
    static void stop() {
        clientThreads.shutdownNow();
        tollgate.close();
        upstream.stop();
    }

    @Test
    void aThousandConcurrentOneCreditCallsOnAHundredCreditsLetExactlyAHundredThrough() throws Exception {
        var accounts = tollgate.services().accountService();
        Account account = accounts.create(Account.Type.PERSONAL, Plan.PRO, "scale", "test");
        accounts.topUp(account.id(), BALANCE, "scale-" + account.id(), "test");
        String token = accounts.issueApiKey(account.id(), "scale", "test").token();
        URI execute = URI.create(tollgate.baseUrl().toString().replaceAll("/$", "") + "/api/v1/execute");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest request = HttpRequest.newBuilder(execute).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SEARCH)).build();

        DYNAMO_CALLS.clear();
        long started = System.nanoTime();
        long cpuBefore = processCpuMillis();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>(CALLS);
        for (int i = 0; i < CALLS; i++) {
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        for (CompletableFuture<HttpResponse<String>> call : inFlight) {
            HttpResponse<String> response = call.get();
            JsonNode body = JSON.readTree(response.body());
            String outcome = response.statusCode() == 200 ? "200 " + body.path("billing").path("credits_charged").asText()
                    : response.statusCode() + " " + body.path("error").path("code").asText();
            outcomes.merge(outcome, 1, Integer::sum);
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        long cpuMillis = processCpuMillis() - cpuBefore;

        assertEquals(Map.of("200 1", 100, "402 insufficient_credits", CALLS - 100), outcomes);
        var balance = tollgate.services().ledger().balance(account.id());
        assertEquals(0, balance.available());
        assertEquals(0, balance.held());
        upstream.verify(100, postRequestedFor(urlPathEqualTo("/search")));

        List<LedgerEntry> entries = entries(account.id());
        assertEquals(0, entries.stream().mapToLong(LedgerEntry::balanceChange).sum(), "entries add up to the balance");
        assertEquals(BALANCE, entries.stream().filter(e -> e.type() == LedgerEntry.Type.CAPTURE)
                .mapToLong(LedgerEntry::amount).sum(), "captures add up to what was spent");
        assertEquals(100, entries.stream().filter(e -> e.type() == LedgerEntry.Type.HOLD).count());
        assertEquals(0, entries.stream().filter(e -> e.type() == LedgerEntry.Type.RELEASE).count());
        assertEquals(List.of(), ShardBooks.discrepancies(tollgate.services(), account.id(), entries));
        // CPU time of the whole process (runner, DynamoDB Local, WireMock, client): what the run costs on an idle
        // machine, where wall time depends on whatever else the build machine is doing.
        System.out.printf("== OverdraftAtScaleIT: %d concurrent executes over HTTP on 100 credits: %s in %d ms "
                + "(process CPU %d ms); DynamoDB calls %s ==%n", CALLS, outcomes, millis, cpuMillis,
                new TreeMap<>(DYNAMO_CALLS));
    }

    private static void count(String operation) {
        DYNAMO_CALLS.merge(operation, 1, Integer::sum);
    }

    private static long processCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    }

    private static List<LedgerEntry> entries(String accountId) {
        List<LedgerEntry> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<LedgerEntry> page = tollgate.services().ledger().entries(accountId, cursor, 100);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }
}
