package dev.tollgate.execution;

import dev.tollgate.billing.IdempotencyRecord;
import dev.tollgate.billing.IdempotencyStore;
import dev.tollgate.catalog.Effects;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The idempotency half of the claim stage (SPEC 7.3): a key seen before answers from its record (a replay, 409 or
 * 422), a new one is claimed (with the hold, in one write, in credits mode), and a failed call's claim is removed, or
 * kept as {@code outcome_unknown} when the provider may have acted on a request with side effects.
 */
final class IdempotencyClaims {
    private static final Log LOG = Log.get(IdempotencyClaims.class);

    private final IdempotencyStore idempotency;
    private final Clock clock;
    private final ExecutionService.Settings settings;

    IdempotencyClaims(IdempotencyStore idempotency, Clock clock, ExecutionService.Settings settings) {
        this.idempotency = idempotency;
        this.clock = clock;
        this.settings = settings;
    }

    /** The answer for a key seen before (a replay, 409 or 422), or null when the call is to run. */
    ExecutionOutcome answerIfSeen(CallAttempt a, String fingerprint) {
        Optional<IdempotencyRecord> existing = idempotency.find(a.accountId(), a.idempotencyKey(), clock.instant());
        return existing.isPresent() ? answerFromRecord(a, existing.get(), fingerprint) : null;
    }

    IdempotencyStore.Claim claimFor(CallAttempt a, String fingerprint) {
        if (a.idempotencyKey() == null) {
            return null;
        }
        Instant now = clock.instant();
        return new IdempotencyStore.Claim(a.accountId(), a.idempotencyKey(), fingerprint, a.requestId, now,
                now.plus(settings.idempotencyLease()), now.plus(settings.idempotencyRetention()));
    }

    /**
     * A replay, a 409/422, or null when the record is unfinished (its request crashed, or reached the provider without
     * an answer) and the operation allows running it again: the retry then takes the record over.
     */
    ExecutionOutcome answerFromRecord(CallAttempt a, IdempotencyRecord record, String fingerprint) {
        if (!record.fingerprint().equals(fingerprint)) {
            a.recorded = true;
            throw new TollgateException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was already used "
                    + "with a different request body; use a new key for a new request");
        }
        if (record.status() == IdempotencyRecord.Status.COMPLETED) {
            a.recorded = true;
            LOG.info("idempotent replay", "account_id", a.accountId(), "original_request_id", record.ownerRequestId());
            return new ExecutionOutcome(record.responseStatus(),
                    StoredResponses.decode(record.response(), record.gzip()), true);
        }
        if (record.inFlight(clock.instant())) {
            throw inProgress(a);
        }
        if (a.operation.effects().retryAfterUnknownOutcome() == Effects.RetryAfterUnknownOutcome.REFUSE) {
            a.recorded = true;
            throw new TollgateException(ErrorCode.OUTCOME_UNKNOWN, "The first request with this Idempotency-Key "
                    + "did not finish: it may have reached " + a.provider.name() + ", and Tollgate cannot tell whether "
                    + a.provider.name() + " acted on it (" + a.provider.name() + " cannot de-duplicate "
                    + a.operation.toolName() + "). Tollgate charged nothing for it. Check with " + a.provider.name()
                    + "; to do it again, send a new Idempotency-Key",
                    Map.of("original_request_id", record.ownerRequestId()));
        }
        return null;
    }

    /** Our claim lost to a concurrent request with the same key: answer as that request's record says. */
    ExecutionOutcome afterLostClaim(CallAttempt a, String fingerprint) {
        Optional<IdempotencyRecord> record = idempotency.find(a.accountId(), a.idempotencyKey(), clock.instant());
        if (record.isPresent()) {
            ExecutionOutcome answer = answerFromRecord(a, record.get(), fingerprint);
            if (answer != null) {
                return answer;
            }
        }
        throw inProgress(a);
    }

    static TollgateException inProgress(CallAttempt a) {
        a.recorded = true;
        return new TollgateException(ErrorCode.REQUEST_IN_PROGRESS, "A request with this Idempotency-Key is still "
                + "running; retry in a moment to get its result");
    }

    /**
     * The provider was sent the request and did not answer. For an operation with side effects, the Idempotency-Key
     * record is kept as {@code outcome_unknown} (a retry then resends with the same provider key, or gets 409
     * outcome_unknown); otherwise it is removed so that a retry simply runs again.
     */
    static boolean keepsUnknownOutcome(CallAttempt a, RuntimeException failure) {
        return failure instanceof UpstreamOutcomeUnknownException && a.operation.effects().sideEffects();
    }

    /** The caller's error, with what a retry with the same Idempotency-Key will do when the outcome is unknown. */
    static RuntimeException withRetryAdvice(CallAttempt a, RuntimeException failure) {
        if (!(failure instanceof UpstreamOutcomeUnknownException unknown) || !a.operation.effects().sideEffects()) {
            return failure;
        }
        String advice = switch (a.operation.effects().retryAfterUnknownOutcome()) {
            case RESEND_WITH_SAME_KEY -> a.idempotencyKey() != null
                    ? " A retry with the same Idempotency-Key is safe: " + a.provider.name()
                            + " receives the same idempotency key and acts at most once"
                    : " Send an Idempotency-Key next time: " + a.provider.name()
                            + " then receives an idempotency key and a retry is safe";
            case REFUSE -> a.idempotencyKey() != null
                    ? " A retry with the same Idempotency-Key answers 409 outcome_unknown: check with "
                            + a.provider.name() + " before sending it again with a new key"
                    : " Check with " + a.provider.name() + " before retrying";
            case RUN_AGAIN -> "";
        };
        Map<String, Object> details = new java.util.LinkedHashMap<>(unknown.details());
        details.put("provider_may_have_acted", true);
        return new TollgateException(unknown.code(), unknown.getMessage() + "." + advice, details, unknown.headers());
    }

    /**
     * Whether the record that refused our claim is our own: a claim whose answer was lost and that the SDK sent
     * again, or found written by a first attempt.
     */
    boolean ownClaim(CallAttempt a) {
        return idempotency.find(a.accountId(), a.idempotencyKey(), clock.instant())
                .filter(r -> r.status() == IdempotencyRecord.Status.IN_PROGRESS && a.requestId.equals(r.ownerRequestId()))
                .isPresent();
    }

    void closeClaimQuietly(CallAttempt a, boolean outcomeUnknown) {
        if (outcomeUnknown) {
            markUnknownQuietly(a);
        } else {
            abandonQuietly(a);
        }
    }

    void abandonQuietly(CallAttempt a) {
        try {
            idempotency.abandon(a.accountId(), a.idempotencyKey(), a.requestId);
        } catch (RuntimeException e) {
            LOG.error("clearing an idempotency claim failed; it expires with its lease", e, "account_id", a.accountId());
        }
    }

    void markUnknownQuietly(CallAttempt a) {
        try {
            idempotency.markOutcomeUnknown(a.accountId(), a.idempotencyKey(), a.requestId);
        } catch (RuntimeException e) {
            // Left in_progress, the record reads as unfinished once its lease runs out: the same answer, later.
            LOG.error("marking an idempotency record outcome_unknown failed", e, "account_id", a.accountId());
        }
    }
}
