package dev.tollgate.billing;

/** Outcome of a top-up; {@code replayed} when the same reference had already been credited. */
public record TopUpResult(String ledgerEntryId, long amount, long creditsRemaining, boolean replayed) {
}
