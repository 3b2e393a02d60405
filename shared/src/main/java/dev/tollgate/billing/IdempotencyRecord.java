package dev.tollgate.billing;

import java.time.Instant;

/**
 * What is stored under one Idempotency-Key of one account (SPEC 7.3).
 *
 * @param fingerprint    SHA-256 (hex) of the canonical request body
 * @param status         {@code in_progress} while the first request runs, {@code completed} once its response is stored
 * @param ownerRequestId the request that claimed the key
 * @param leaseUntil     an {@code in_progress} record older than this belongs to a request that crashed; a retry with
 *                       the same body may take it over
 * @param responseStatus the stored HTTP status (completed only)
 * @param response       the stored response body, UTF-8 JSON, gzip-compressed when {@code gzip} (completed only)
 */
public record IdempotencyRecord(String accountId, String key, String fingerprint, Status status, String ownerRequestId,
                                Instant leaseUntil, int responseStatus, byte[] response, boolean gzip) {

    public enum Status {
        IN_PROGRESS, COMPLETED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean inFlight(Instant now) {
        return status == Status.IN_PROGRESS && leaseUntil != null && leaseUntil.isAfter(now);
    }
}
