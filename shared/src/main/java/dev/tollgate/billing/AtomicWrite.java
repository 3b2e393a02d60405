package dev.tollgate.billing;

/**
 * A write to another table that must commit in the same transaction as a ledger movement, or not at all (SPEC 7.2:
 * reserve + idempotency record {@code in_progress}; capture + usage record + idempotency record {@code completed}).
 * Built by a store of the same backend as the ledger, which refuses writes it cannot include in its transaction.
 * A write may carry a condition; when it fails the ledger throws {@link CompanionConditionFailed} and nothing moved.
 */
public interface AtomicWrite {
}
