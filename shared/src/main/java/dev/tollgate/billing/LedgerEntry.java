package dev.tollgate.billing;

import java.time.Instant;

/**
 * One append-only ledger row. {@code amount} is the size of the movement (always ≥ 0); {@code balanceChange} is its
 * signed effect on the spendable balance; {@code balanceAfter} is the balance of the shard it touched, after it.
 * For a capture, {@code amount} is what was charged and {@code balanceChange} the refund of the unused hold.
 */
public record LedgerEntry(String entryId, String accountId, Type type, long amount, long balanceChange,
                          long balanceAfter, int shard, String holdId, String requestId, String reference,
                          String reason, String actor, Instant createdAt) {

    public enum Type {
        TOPUP, ADJUSTMENT, HOLD, CAPTURE, RELEASE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
