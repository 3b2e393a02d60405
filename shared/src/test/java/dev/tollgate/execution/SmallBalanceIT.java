package dev.tollgate.execution;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.catalog.PriceMath;
import dev.tollgate.catalog.Pricing;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testing.ShardBooks;
import dev.tollgate.testkit.DynamoExtension;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Small balances (issue 10): a token-priced call without max_tokens holds what the balance affords and lowers the
 * output cap it forwards to match, instead of refusing a call that costs a fraction of the full hold; below the
 * operation's minimum it is 402; the caller's own limit is never raised; racing calls never overdraw.
 */
class SmallBalanceIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;
    private static final String CHAT = "/openai/v1/chat/completions";
    private static final String INPUT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    /** 9 input tokens at 2.5 and 12 output tokens at 10 credits per 1K: 0.1425 credits. */
    private static final long PRICE = 142_500;

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;
    private static Pricing.PerThousandTokens gpt;

    @BeforeAll
    static void start() {
        h = ExecutionHarness.start(DYNAMO);
        gpt = (Pricing.PerThousandTokens) h.services.catalog().operation("openai", "chat_completion").orElseThrow()
                .pricing();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @BeforeEach
    void reset() {
        h.wiremock.resetAll();
        h.vault.setPlatformKey("openai", "sk-platformPLATFORM0123456789");
        h.wiremock.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello.\"}}],"
                        + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12}}")));
    }

    /** Output tokens {@code micros} pay for at gpt-4o's 10 credits per 1K, after the input estimate. */
    private static long affordableTokens(String input, long micros) {
        long inputCost = PriceMath.tokenCost(gpt.estimatedInputTokens(ExecutionHarness.parse(input)), 2_500_000);
        return (micros - inputCost) * 1000 / 10_000_000;
    }

    private static JsonNode forwarded() {
        var events = h.wiremock.getAllServeEvents();
        assertEquals(1, events.size());
        return ExecutionHarness.parse(events.get(0).getRequest().getBodyAsString());
    }

    @Test
    void threePointSevenEightCreditsPayForACallThatCostsPointOneFour() {
        // Without max_tokens the full hold is 40.98 credits (4096 output tokens): this used to be a 402.
        Acting acting = h.account(Plan.PRO, 3_780_000);
        ExecutionOutcome outcome = h.execute(acting, "openai", "chat_completion", INPUT);
        JsonNode billing = outcome.body().path("billing");
        assertEquals(0, new BigDecimal("0.1425").compareTo(billing.path("credits_charged").decimalValue()));
        assertEquals(0, new BigDecimal("3.6375").compareTo(billing.path("credits_remaining").decimalValue()));
        long cap = affordableTokens(INPUT, 3_780_000);
        assertEquals(cap, billing.path("output_cap").path("max_output_tokens").longValue());
        assertEquals("balance", billing.path("output_cap").path("set_by").asText());
        assertEquals(cap, forwarded().path("max_completion_tokens").longValue(), "the provider cannot exceed the hold");
        assertEquals(3_780_000 - PRICE, h.balance(acting).available());
        assertEquals(0, h.balance(acting).held());
        LedgerEntry hold = h.services.ledger().entries(acting.accountId(), null, 2).items().get(1);
        assertEquals(LedgerEntry.Type.HOLD, hold.type());
        assertEquals(3_780_000, hold.amount(), "the hold is the whole balance, never more");
    }

    @Test
    void belowTheMinimumOutputItIs402WithTheMinimumRequired() {
        Acting acting = h.account(Plan.PRO, 2 * CREDIT);
        TollgateException e = assertThrows(TollgateException.class,
                () -> h.execute(acting, "openai", "chat_completion", INPUT));
        assertEquals(ErrorCode.INSUFFICIENT_CREDITS, e.code());
        long inputCost = PriceMath.tokenCost(gpt.estimatedInputTokens(ExecutionHarness.parse(INPUT)), 2_500_000);
        assertEquals(Credits.toCredits(inputCost + 2_560_000), e.details().get("required"), "256 output tokens");
        assertEquals(Credits.toCredits(2 * CREDIT), e.details().get("available"));
        assertTrue(e.getMessage().contains("at least"), e.getMessage());
        h.wiremock.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void theCallersOwnLimitIsKeptWhenAffordableAndLoweredWhenNot() {
        String small = "{\"model\":\"gpt-4o\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
        Acting acting = h.account(Plan.PRO, 3_780_000);
        JsonNode kept = h.execute(acting, "openai", "chat_completion", small).body().path("billing").path("output_cap");
        assertEquals(100, kept.path("max_output_tokens").longValue());
        assertEquals("caller", kept.path("set_by").asText());
        assertEquals(100, forwarded().path("max_tokens").longValue(), "never raised");

        h.wiremock.resetRequests();
        String big = small.replace("\"max_tokens\":100", "\"max_tokens\":1000");
        Acting poorer = h.account(Plan.PRO, 3_780_000);
        JsonNode lowered = h.execute(poorer, "openai", "chat_completion", big).body().path("billing").path("output_cap");
        assertEquals(affordableTokens(big, 3_780_000), lowered.path("max_output_tokens").longValue());
        assertEquals("balance", lowered.path("set_by").asText());
        assertEquals(lowered.path("max_output_tokens").longValue(), forwarded().path("max_tokens").longValue());

        // A caller asking for fewer tokens than the operation's minimum may use a balance below that minimum.
        h.wiremock.resetRequests();
        Acting tiny = h.account(Plan.PRO, CREDIT);
        String fifty = small.replace("\"max_tokens\":100", "\"max_tokens\":50");
        assertEquals(50, h.execute(tiny, "openai", "chat_completion", fifty).body().path("billing")
                .path("output_cap").path("max_output_tokens").longValue());
    }

    @Test
    void aFullBalanceKeepsTheCatalogCap() {
        Acting acting = h.account(Plan.PRO, 100 * CREDIT);
        JsonNode cap = h.execute(acting, "openai", "chat_completion", INPUT).body().path("billing").path("output_cap");
        assertEquals(4096, cap.path("max_output_tokens").longValue());
        assertEquals("catalog", cap.path("set_by").asText());
    }

    @Test
    void callsRacingOnASmallBalanceNeverOverdraw() throws Exception {
        Acting acting = h.account(Plan.PRO, 5_500_000);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    try {
                        return h.execute(acting, "openai", "chat_completion", INPUT);
                    } catch (TollgateException e) {
                        return e.code();
                    }
                }));
            }
            go.countDown();
            int ok = 0;
            for (Future<Object> call : calls) {
                Object result = call.get();
                if (result instanceof ExecutionOutcome) {
                    ok++;
                } else {
                    assertEquals(ErrorCode.INSUFFICIENT_CREDITS, result);
                }
            }
            assertTrue(ok >= 1, "at least the first call is served");
            assertEquals(5_500_000 - ok * PRICE, h.balance(acting).available());
            assertEquals(0, h.balance(acting).held());
            List<LedgerEntry> entries = h.services.ledger().entries(acting.accountId(), null, 100).items();
            assertEquals(h.balance(acting).available(), entries.stream().mapToLong(LedgerEntry::balanceChange).sum());
            assertEquals(List.of(), ShardBooks.discrepancies(h.services, acting.accountId(), entries));
            h.wiremock.verify(ok, anyRequestedFor(anyUrl()));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void geminiGetsItsLoweredCapInsideGenerationConfig() {
        h.vault.setPlatformKey("gemini", "AIzaSyPLATFORMplatformPLATFORMplatform0");
        h.wiremock.stubFor(post(urlPathEqualTo("/gemini/v1beta/models/gemini-2.5-flash:generateContent"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"candidates\":[],\"usageMetadata\":{\"promptTokenCount\":4,"
                                + "\"candidatesTokenCount\":3}}")));
        Acting acting = h.account(Plan.PRO, CREDIT);
        String input = "{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";
        JsonNode cap = h.execute(acting, "gemini", "generate_content", input).body().path("billing").path("output_cap");
        assertEquals("balance", cap.path("set_by").asText());
        assertEquals(cap.path("max_output_tokens").longValue(),
                forwarded().at("/generationConfig/maxOutputTokens").longValue());
        assertTrue(Json.write(cap).contains("max_output_tokens"));
    }
}
