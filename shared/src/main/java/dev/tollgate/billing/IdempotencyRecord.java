package dev.tollgate.billing;

import java.time.Instant;

/**
 * What is stored under one Idempotency-Key of one account (SPEC 7.3).
 *
 * @param fingerprint    SHA-256 (hex) of the canonical request body
 * @param status         {@code in_progress} while the first request runs, {@code completed} once its response is stored,
 *                       {@code outcome_unknown} when the provider was sent the request and no answer came back
 * @param ownerRequestId the request that claimed the key
 * @param leaseUntil     an {@code in_progress} record older than this belongs to a request that crashed; a retry with
 *                       the same body may take it over
 * @param responseStatus the stored HTTP status (completed only)
 * @param response       the stored response body, UTF-8 JSON, gzip-compressed when {@code gzip} (completed only)
 */
public record IdempotencyRecord(String accountId, String key, String fingerprint, Status status, String ownerRequestId,
                                Instant leaseUntil, int responseStatus, byte[] response, boolean gzip) {

    public enum Status {
        IN_PROGRESS, COMPLETED, OUTCOME_UNKNOWN;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean inFlight(Instant now) {
        return status == Status.IN_PROGRESS && leaseUntil != null && leaseUntil.isAfter(now);
    }

    /**
     * Nobody will finish this record: its owner reached the provider without an answer ({@code outcome_unknown}), or
     * stopped (a crashed container) and its lease ran out. Whether the provider acted is unknown.
     */
    public boolean unfinished(Instant now) {
        return status == Status.OUTCOME_UNKNOWN || status == Status.IN_PROGRESS && !inFlight(now);
    }
}
