package dev.tollgate.auth;

import java.time.Instant;

/** Stored metadata of an API key. The token itself is never stored, only its hash. */
public record ApiKeyRecord(String keyId, String keyHash, String accountId, Caller.PrincipalType principalType,
                           String principalId, String name, String hint, Instant createdAt, Instant lastUsedAt,
                           Instant revokedAt) {

    public boolean revoked() {
        return revokedAt != null;
    }

    public Caller caller() {
        return new Caller(keyId, principalType, principalId, accountId);
    }
}
