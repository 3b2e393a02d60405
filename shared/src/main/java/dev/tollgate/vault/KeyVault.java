package dev.tollgate.vault;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What the execution engine needs from the vault. Secrets are only ever lent to a callback and wiped when it
 * returns; customer secrets are decrypted per call and never cached (platform keys may be, for ≤ 5 minutes).
 */
public interface KeyVault {

    /** The key a call for {@code provider} uses for this account: the personal key, or a workspace's default key. */
    Optional<ProviderKey> activeKey(String accountId, String provider);

    /**
     * {@link #activeKey(String, String)} answered from the pointers read on entry, without another read (the record
     * is read only when those pointers predate their copies).
     */
    Optional<ProviderKey> activeKey(KeysAtEntry read);

    /** Every provider's active key of this account, by provider, in one read (listings; nothing is decrypted). */
    java.util.Map<String, ProviderKey> activeKeys(String accountId);

    /** A key of this account by id (foreign ids are simply absent). */
    Optional<ProviderKey> find(String accountId, String byokId);

    /** Decrypts the key under its encryption context, lends it to {@code use}, then wipes it. */
    <T> T useSecret(ProviderKey key, Function<Secret, T> use);

    /** The provider refused the key: its status becomes {@code rejected} until replaced, deleted or accepted again. */
    void markRejected(ProviderKey key, int providerStatus);

    /** The provider accepted a key marked rejected: it is active again. */
    void markActive(ProviderKey key);

    /** Providers for which the platform holds a key (credits mode possible). */
    Set<String> platformProviders();

    /** Lends the platform key of {@code provider} to {@code use}; empty when none is configured. */
    <T> Optional<T> usePlatformSecret(String provider, Function<Secret, T> use);
}
