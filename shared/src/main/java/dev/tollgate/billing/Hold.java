package dev.tollgate.billing;

import java.time.Instant;

/** Credits reserved before an upstream call: {@code open}, then exactly one of {@code captured} or {@code released}. */
public record Hold(String holdId, String accountId, long amount, int shard, Status status, String requestId,
                   Instant createdAt, Instant expiresAt) {

    public enum Status {
        OPEN, CAPTURED, RELEASED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
