package dev.tollgate.billing;

import java.time.Instant;

/**
 * Credits reserved before an upstream call: {@code open}, then exactly one of {@code captured} or {@code released}.
 *
 * @param availableAfter the account's spendable balance right after this hold as its caller saw it (the balance it
 *                       read before the reserve, less the hold), which a capture answers {@code credits_remaining}
 *                       from without another read; {@code null} when not known (no balance given, a hold read back)
 */
public record Hold(String holdId, String accountId, long amount, int shard, Status status, String requestId,
                   Instant createdAt, Instant expiresAt, Long availableAfter) {

    public enum Status {
        OPEN, CAPTURED, RELEASED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
