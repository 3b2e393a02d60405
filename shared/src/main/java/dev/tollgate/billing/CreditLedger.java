package dev.tollgate.billing;

import java.time.Duration;

/**
 * Every change to a credit balance. Each method is one atomic, conditional write that moves the balance and
 * appends its ledger entry together, so the invariant
 * {@code balance + Σ open holds + Σ captured = Σ top-ups ± adjustments} holds at every instant and no balance
 * ever goes below zero.
 */
public interface CreditLedger {

    Balance balance(String accountId);

    /** Credits the account once per {@code reference}; a repeat returns the first result with {@code replayed}. */
    TopUpResult topUp(String accountId, long amount, String reference, String actor);

    /** Signed operator correction; a debit larger than the balance fails with insufficient_credits. */
    TopUpResult adjust(String accountId, long signedAmount, String reason, String reference, String actor);

    /** Reserves {@code amount}; fails with 402 insufficient_credits (with required/available) when not covered. */
    Hold reserve(String accountId, long amount, String requestId, Duration ttl);

    /** Charges {@code actual} (≤ hold amount) and refunds the rest; fails with conflict if the hold is no longer open. */
    LedgerEntry capture(Hold hold, long actual);

    /** Returns the whole hold to the balance; false when it was no longer open (captured or already released). */
    boolean release(Hold hold, String reason);

    Page<LedgerEntry> entries(String accountId, String cursor, int limit);
}
