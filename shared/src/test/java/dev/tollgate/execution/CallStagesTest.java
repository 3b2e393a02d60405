package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.auth.Caller;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.catalog.Usage;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.PayerResolver.Mode;
import dev.tollgate.execution.PayerResolver.Payer;
import dev.tollgate.json.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the stages: the receipts a call leaves, and what a failed call's claim becomes. */
class CallStagesTest {
    private static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));

    private static CallAttempt attempt(String tool, String operation, String idempotencyKey) {
        Account account = new Account("acct_stages", Account.Type.PERSONAL, Plan.PRO, Account.Status.ACTIVE, "s",
                Instant.EPOCH);
        Acting acting = new Acting(new Caller("key_1", Caller.PrincipalType.PERSON, "acct_stages", "acct_stages"),
                account);
        ObjectNode input = Json.object();
        return new CallAttempt(acting, new ExecutionRequest(tool, operation, input, idempotencyKey, "req_1", input),
                CATALOG.provider(tool).orElseThrow(), CATALOG.operation(tool, operation).orElseThrow(), "req_1",
                Instant.EPOCH);
    }

    @Test
    void theAnswerSaysWhoPaidWhatWasChargedAndWhatIsLeft() {
        CallAttempt a = attempt("tavily", "search", null);
        a.payer = new Payer(Mode.CREDITS, null, "platform");
        ObjectNode body = Receipts.successBody(a, Json.object().put("ok", true), 1_000_000, 41_000_000,
                new Usage(12, 80, 0));
        JsonNode billing = body.path("billing");
        assertEquals("credits", billing.path("mode").asText());
        assertEquals(1.0, billing.path("credits_charged").asDouble());
        assertEquals(41.0, billing.path("credits_remaining").asDouble());
        assertEquals("platform", billing.path("key_source").asText());
        assertTrue(billing.path("byok_key_id").isNull());
        assertEquals(80, billing.path("usage").path("output_tokens").asInt());
        assertEquals("req_1", billing.path("request_id").asText());
        assertTrue(body.path("result").path("ok").asBoolean());
    }

    @Test
    void aFailureRecordCarriesTheErrorCodeAndChargesNothing() {
        CallAttempt a = attempt("tavily", "search", null);
        UsageRecord failed = Receipts.failureRecord(a, new TollgateException(ErrorCode.UPSTREAM_ERROR, "boom"));
        assertEquals("error", failed.status());
        assertEquals(ErrorCode.UPSTREAM_ERROR.code(), failed.errorCode());
        assertEquals(0, failed.creditsMicros());
        assertEquals("none", failed.mode(), "failed before anyone was found to pay");
        UsageRecord bug = Receipts.failureRecord(a, new IllegalStateException("bug"));
        assertEquals(500, bug.httpStatus());
        assertEquals(ErrorCode.INTERNAL_ERROR.code(), bug.errorCode());
    }

    @Test
    void onlyARequestThatMayHaveActedKeepsItsClaimAndItsErrorSaysWhatARetryDoes() {
        var unknown = new UpstreamOutcomeUnknownException(ErrorCode.UPSTREAM_TIMEOUT, "Stripe did not answer in time");
        CallAttempt payment = attempt("stripe", "create_payment_link", "idem-1");
        assertTrue(IdempotencyClaims.keepsUnknownOutcome(payment, unknown));
        RuntimeException advised = IdempotencyClaims.withRetryAdvice(payment, unknown);
        assertTrue(advised.getMessage().contains("same Idempotency-Key is safe"), advised.getMessage());
        assertEquals(true, ((TollgateException) advised).details().get("provider_may_have_acted"));

        CallAttempt search = attempt("tavily", "search", "idem-2");
        assertFalse(IdempotencyClaims.keepsUnknownOutcome(search, unknown), "a search has no side effects");
        assertSame(unknown, IdempotencyClaims.withRetryAdvice(search, unknown));
        TollgateException refused = new TollgateException(ErrorCode.UPSTREAM_ERROR, "502");
        assertFalse(IdempotencyClaims.keepsUnknownOutcome(payment, refused), "an answer is not an unknown outcome");
    }
}
