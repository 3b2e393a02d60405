package dev.tollgate.billing;

import java.time.Instant;
import java.util.Optional;

/**
 * Idempotency records, scoped by (account, key), kept 24 hours. Claiming and completing come in two forms: as an
 * {@link AtomicWrite} that commits with a hold movement (credits mode), or on their own (BYOK and free calls).
 */
public interface IdempotencyStore {

    /** A claim: {@code in_progress} for {@code ownerRequestId} until {@code leaseUntil}, kept until {@code expiresAt}. */
    record Claim(String accountId, String key, String fingerprint, String ownerRequestId, Instant now,
                 Instant leaseUntil, Instant expiresAt) {
    }

    /** A consistent read; expired records (past their retention, not yet removed by TTL) are absent. */
    Optional<IdempotencyRecord> find(String accountId, String key, Instant now);

    /**
     * The claim as a companion of a ledger movement. Its condition: no live record, or an unfinished record
     * ({@code in_progress} past its lease, or {@code outcome_unknown}) of the same fingerprint, which it takes over.
     */
    AtomicWrite claimWrite(Claim claim);

    /** Claims on its own; false when a live record blocked it (read it with {@link #find}). */
    boolean claim(Claim claim);

    /** Stores the response, conditional on the record still being {@code in_progress} for this owner. */
    AtomicWrite completeWrite(String accountId, String key, String ownerRequestId, int status, byte[] response,
                              boolean gzip);

    /** Deletes the record if this owner still holds it, so that a retry with the same key runs again. */
    AtomicWrite abandonWrite(String accountId, String key, String ownerRequestId);

    /** {@link #abandonWrite} on its own; a record no longer held by this owner is left alone. */
    void abandon(String accountId, String key, String ownerRequestId);

    /**
     * Keeps the record as {@code outcome_unknown} (the provider was sent the request and did not answer), if this
     * owner still holds it, so that a retry is answered by what the operation allows rather than run blindly again.
     */
    AtomicWrite outcomeUnknownWrite(String accountId, String key, String ownerRequestId);

    /** {@link #outcomeUnknownWrite} on its own; a record no longer held by this owner is left alone. */
    void markOutcomeUnknown(String accountId, String key, String ownerRequestId);
}
