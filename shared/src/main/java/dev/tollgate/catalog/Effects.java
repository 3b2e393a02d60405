package dev.tollgate.catalog;

import java.util.Objects;
import java.util.Optional;

/**
 * What sending an operation twice would do (SPEC 7.3), as catalog data: whether the call acts beyond answering (sends
 * a message, creates an object at the provider) and whether the provider de-duplicates a request repeated with the
 * same idempotency key, and in which header it reads that key.
 *
 * @param sideEffects       true when the call changes something at the provider or in the world
 * @param idempotencyHeader the request header the provider reads an idempotency key from, if it honours one
 */
public record Effects(boolean sideEffects, Optional<String> idempotencyHeader) {
    /** A read or a pure computation: repeating it costs a second call, nothing else. */
    public static final Effects NONE = new Effects(false, Optional.empty());

    /** What a retry with the customer's Idempotency-Key does once the first attempt's outcome is unknown. */
    public enum RetryAfterUnknownOutcome {
        /** Nothing happens twice: the call simply runs again. */
        RUN_AGAIN,
        /** Sent again with the same derived provider key, so the provider does it at most once. */
        RESEND_WITH_SAME_KEY,
        /** Refused with 409 outcome_unknown: only the provider can say whether the first attempt acted. */
        REFUSE
    }

    public Effects {
        Objects.requireNonNull(idempotencyHeader, "idempotencyHeader");
        if (idempotencyHeader.isPresent() && !sideEffects) {
            throw new IllegalArgumentException("an idempotency header only makes sense for an operation with side effects");
        }
    }

    public RetryAfterUnknownOutcome retryAfterUnknownOutcome() {
        if (!sideEffects) {
            return RetryAfterUnknownOutcome.RUN_AGAIN;
        }
        return idempotencyHeader.isPresent() ? RetryAfterUnknownOutcome.RESEND_WITH_SAME_KEY
                : RetryAfterUnknownOutcome.REFUSE;
    }
}
