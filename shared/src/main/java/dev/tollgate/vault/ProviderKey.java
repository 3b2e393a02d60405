package dev.tollgate.vault;

import java.time.Instant;

/**
 * Metadata of a stored BYOK (or platform) key. Never holds the secret; {@code hint} is at most the last 4 characters.
 * {@code scope} is {@code personal}, {@code workspace} or {@code platform}.
 */
public record ProviderKey(String id, String accountId, String provider, Status status, String displayName, String hint,
                          boolean isDefault, String scope, Instant createdAt, Instant checkedAt) {

    public enum Status {
        ACTIVE, REJECTED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
