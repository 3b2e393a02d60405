package dev.tollgate.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port to wherever API key records live (DynamoDB in production). */
public interface ApiKeyStore {
    void create(ApiKeyRecord record);

    Optional<ApiKeyRecord> findByHash(String keyHash);

    Optional<ApiKeyRecord> findById(String keyId);

    List<ApiKeyRecord> listByAccount(String accountId);

    /** Marks the key revoked; returns false when it was already revoked. */
    boolean revoke(String keyId, Instant at);

    /** Records use, but only when the stored stamp is older than {@code staleBefore} (at most one write a minute). */
    void touch(String keyHash, Instant now, Instant staleBefore);
}
