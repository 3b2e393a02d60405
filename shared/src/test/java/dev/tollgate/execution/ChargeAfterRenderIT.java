package dev.tollgate.execution;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.auth.Acting;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.DynamoExtension;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * "Charged, then told nothing was charged" (issue 10): a provider answer the response writers cannot render is found
 * before the capture, so it is an upstream error with the hold released, and an error says "nothing was charged"
 * only when the ledger shows it.
 */
class ChargeAfterRenderIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;
    private static final String CHAT = "/openai/v1/chat/completions";
    private static final String INPUT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
    private static final String OK = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello.\"}}],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12}}";
    /** Parses with the product mapper, but WRITE_BIGDECIMAL_AS_PLAIN cannot write an exponent beyond 9999. */
    private static final String BOMB = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Hello.\"}}],"
            + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12},\"latency\":1e999999999}";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;

    @BeforeAll
    static void start() {
        h = ExecutionHarness.start(DYNAMO);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @BeforeEach
    void reset() {
        h.wiremock.resetAll();
        h.vault.setPlatformKey("openai", "sk-platformPLATFORM0123456789");
    }

    private static void chatAnswers(String body) {
        h.wiremock.stubFor(post(urlPathEqualTo(CHAT)).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    @Test
    void anAnswerThatCannotBeRenderedIsAnUpstreamErrorAndChargesNothingEvenWhenRetried() {
        Acting acting = h.account(Plan.PRO, 100 * CREDIT);
        chatAnswers(BOMB);
        for (int attempt = 0; attempt < 2; attempt++) {
            TollgateException e = assertThrows(TollgateException.class,
                    () -> h.execute(acting, "openai", "chat_completion", INPUT));
            assertEquals(ErrorCode.UPSTREAM_ERROR, e.code());
            assertEquals(502, e.status());
            assertTrue(e.getMessage().contains("nothing was charged"), e.getMessage());
        }
        assertEquals(100 * CREDIT, h.balance(acting).available(), "a retry without a key did not charge either");
        assertEquals(0, h.balance(acting).held());
        List<LedgerEntry> entries = h.services.ledger().entries(acting.accountId(), null, 10).items();
        assertEquals(List.of(LedgerEntry.Type.RELEASE, LedgerEntry.Type.HOLD, LedgerEntry.Type.RELEASE,
                LedgerEntry.Type.HOLD, LedgerEntry.Type.TOPUP), entries.stream().map(LedgerEntry::type).toList());
        assertTrue(entries.stream().noneMatch(x -> x.type() == LedgerEntry.Type.CAPTURE));
    }

    @Test
    void withAnIdempotencyKeyTheFailureIsNotStoredAndTheRetryIsChargedOnce() {
        Acting acting = h.account(Plan.PRO, 100 * CREDIT);
        chatAnswers(BOMB);
        assertThrows(TollgateException.class, () -> h.execute(acting, "openai", "chat_completion", INPUT, "render-1"));
        chatAnswers(OK);
        ExecutionOutcome ok = h.execute(acting, "openai", "chat_completion", INPUT, "render-1");
        assertFalse(ok.replayed());
        ExecutionOutcome replay = h.execute(acting, "openai", "chat_completion", INPUT, "render-1");
        assertTrue(replay.replayed());
        assertEquals(Json.write(ok.body()), Json.write(replay.body()));
        // 9 input tokens at 2.5 + 12 output tokens at 10 credits per 1K
        assertEquals(100 * CREDIT - 142_500, h.balance(acting).available());
        h.wiremock.verify(2, postRequestedFor(urlPathEqualTo(CHAT)));
    }

    @Test
    void aCustomersOwnOllamaServerSendingANumberBombGetsAnUpstreamErrorNotA500() {
        Acting acting = h.account(Plan.PRO, 0);
        h.vault.register(acting.accountId(), "ollama", h.wiremock.baseUrl());
        h.wiremock.stubFor(post(urlPathEqualTo("/api/chat")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json")
                .withBody("{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
                        + "\"done\":true,\"eval_count\":12,\"eval_duration\":1e999999999}")));
        String input = "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        TollgateException e = assertThrows(TollgateException.class,
                () -> h.execute(acting, "ollama", "chat", input, "ollama-1"));
        assertEquals(ErrorCode.UPSTREAM_ERROR, e.code());
        assertTrue(h.services.idempotencyStore().find(acting.accountId(), "ollama-1", java.time.Instant.now()).isEmpty(),
                "the failure cleared its key: a retry runs again");
        assertEquals("upstream_error", h.usage(acting).get(0).errorCode());
    }

    @Test
    void anUnexpectedFailureSaysNothingWasChargedOnlyWhenNoHoldWasTaken() {
        Acting acting = h.account(Plan.PRO, 100 * CREDIT);
        chatAnswers(OK);
        ExecutionService broken = new ExecutionService(h.services.catalog(), h.vault, h.services.ledger(),
                h.services.idempotencyStore(), h.services.usageStore(), h.services.atomicWriter(),
                h.services.upstreamClient(), (who, provider) -> {
                    throw new IllegalStateException("a bug in key bindings");
                }, Clock.systemUTC(), ExecutionService.Settings.from(h.config));
        var body = ExecutionHarness.parse("{\"tool\":\"openai\",\"operation\":\"chat_completion\",\"input\":" + INPUT + "}");
        TollgateException e = assertThrows(TollgateException.class, () -> broken.execute(acting,
                new ExecutionRequest("openai", "chat_completion", body.get("input"), null, "req_bug", body)));
        assertEquals(ErrorCode.INTERNAL_ERROR, e.code());
        assertTrue(e.getMessage().contains("nothing was charged"), e.getMessage());
        assertFalse(e.getMessage().contains("IllegalStateException"), "no internals in the message");
        assertEquals(100 * CREDIT, h.balance(acting).available());
    }
}
