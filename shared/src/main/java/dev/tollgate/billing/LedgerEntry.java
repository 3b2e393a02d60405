package dev.tollgate.billing;

import java.time.Instant;

/**
 * One append-only ledger row. {@code amount} is the size of the movement (always ≥ 0); {@code balanceChange} is its
 * signed effect on the spendable balance of the shard it touched, so a shard's balance is the sum of its entries'
 * changes. For a capture, {@code amount} is what was charged and {@code balanceChange} the refund of the unused hold.
 * There is no balance after: writers on one shard do not wait for each other, and none learns the balance its change
 * left (see {@code DynamoCreditLedger}).
 */
public record LedgerEntry(String entryId, String accountId, Type type, long amount, long balanceChange, int shard,
                          String holdId, String requestId, String reference, String reason, String actor,
                          Instant createdAt) {

    public enum Type {
        TOPUP, ADJUSTMENT, HOLD, CAPTURE, RELEASE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
