package dev.tollgate.billing;

import dev.tollgate.paging.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * Every change to a credit balance. Each method is one atomic, conditional write that moves the balance and
 * appends its ledger entry together, so the invariant
 * {@code balance + Σ open holds + Σ captured = Σ top-ups ± adjustments} holds at every instant and no balance
 * ever goes below zero. Hold movements can carry {@link AtomicWrite}s of other aggregates (idempotency and usage
 * records) that commit in the same transaction.
 *
 * <p>A movement is applied at most once even when the store's answer is lost (a timeout after the write committed):
 * the ledger finds out whether its own entry exists before it retries or gives up.
 */
public interface CreditLedger {

    Balance balance(String accountId);

    /** Credits the account once per {@code reference}; a repeat returns the first result with {@code replayed}. */
    TopUpResult topUp(String accountId, long amount, String reference, String actor);

    /** Signed operator correction; a debit larger than the balance fails with insufficient_credits. */
    TopUpResult adjust(String accountId, long signedAmount, String reason, String reference, String actor);

    /** Reserves {@code amount}; fails with 402 insufficient_credits (with required/available) when not covered. */
    default Hold reserve(String accountId, long amount, String requestId, Duration ttl) {
        return reserve(accountId, amount, requestId, ttl, List.of());
    }

    /**
     * Reserves {@code amount} and commits {@code with} in the same transaction.
     *
     * @throws CompanionConditionFailed if one of {@code with} failed its condition (nothing was reserved)
     */
    default Hold reserve(String accountId, long amount, String requestId, Duration ttl, List<AtomicWrite> with) {
        return reserveUpTo(accountId, amount, amount, requestId, ttl, with);
    }

    /** {@link #reserveUpTo(String, long, long, String, Duration, List, Balance)} without a balance seen before. */
    default Hold reserveUpTo(String accountId, long minAmount, long maxAmount, String requestId, Duration ttl,
                             List<AtomicWrite> with) {
        return reserveUpTo(accountId, minAmount, maxAmount, requestId, ttl, with, null);
    }

    /**
     * Reserves {@code maxAmount} when the balance covers it, and otherwise as much as it does if that is at least
     * {@code minAmount} (the hold's {@link Hold#amount()} says how much), committing {@code with} in the same
     * transaction. Every write is conditioned on the balance covering its own amount, so concurrent holds can never
     * overdraw. Fails with 402 insufficient_credits ({@code required} = {@code minAmount}) when not even the minimum
     * is covered.
     *
     * @param seenBefore the account's balance as the caller read it before (its read on entry), from which the hold's
     *                   {@link Hold#availableAfter()} and a capture's {@link Settlement#availableAfter()} are answered
     *                   without another read; {@code null} if it read none (the capture then reads it)
     * @throws CompanionConditionFailed    if one of {@code with} failed its condition (nothing was reserved)
     * @throws LedgerUnavailableException  if the store kept failing; a hold that may have been written is released
     *                                     again or, failing that, left to the sweeper
     */
    Hold reserveUpTo(String accountId, long minAmount, long maxAmount, String requestId, Duration ttl,
                     List<AtomicWrite> with, Balance seenBefore);

    /** Charges {@code actual} (≤ hold amount) and refunds the rest; {@link HoldClosedException} if no longer open. */
    default LedgerEntry capture(Hold hold, long actual) {
        return capture(hold, actual, List.of());
    }

    /** {@link #capture(Hold, long, Function)} with companion writes that do not depend on the outcome. */
    default LedgerEntry capture(Hold hold, long actual, List<AtomicWrite> with) {
        return capture(hold, actual, settlement -> with).entry();
    }

    /**
     * Charges {@code actual} (≤ hold amount), refunds the rest and commits the writes {@code with} builds from the
     * settlement (e.g. a stored response that shows the balance after), all in one transaction.
     *
     * @throws HoldClosedException         if the hold was no longer open (nothing was written)
     * @throws CompanionConditionFailed    if one of the companion writes failed its condition (nothing was written)
     * @throws LedgerUnavailableException  if the store kept failing; with {@code mayHaveApplied()} the capture (and
     *                                     its companions) may have committed, otherwise nothing was written
     */
    Settlement capture(Hold hold, long actual, Function<Settlement, List<AtomicWrite>> with);

    /** Returns the whole hold to the balance; false when it was no longer open (captured or already released). */
    default boolean release(Hold hold, String reason) {
        return release(hold, reason, List.of());
    }

    /**
     * Returns the whole hold and commits {@code with} in the same transaction; false (and nothing written) when the
     * hold was no longer open.
     *
     * @throws CompanionConditionFailed if one of {@code with} failed its condition (nothing was released)
     */
    boolean release(Hold hold, String reason, List<AtomicWrite> with);

    /** The hold as stored now (a consistent read), with its status; empty if there is no such hold. */
    java.util.Optional<Hold> hold(String holdId);

    /** Holds still open whose {@code expires_at} is before {@code now}, oldest first per bucket, at most {@code limit}. */
    List<Hold> expiredOpenHolds(Instant now, int limit);

    Page<LedgerEntry> entries(String accountId, String cursor, int limit);
}
