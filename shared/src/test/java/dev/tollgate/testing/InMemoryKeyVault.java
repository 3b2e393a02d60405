package dev.tollgate.testing;

import dev.tollgate.domain.Ids;
import dev.tollgate.vault.KeyVault;
import dev.tollgate.vault.ProviderKey;
import dev.tollgate.vault.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A {@link KeyVault} for tests: secrets in plain memory (fine in a test fake, never in the product). Keys are
 * personal, one per (account, provider); platform keys one per provider. Lends a fresh {@link Secret} per use and
 * checks it was not kept.
 */
public final class InMemoryKeyVault implements KeyVault {
    private final Map<String, ProviderKey> keys = new ConcurrentHashMap<>();
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, String> platform = new ConcurrentHashMap<>();
    private final Map<String, ProviderKey> extra = new ConcurrentHashMap<>();
    private final AtomicInteger decryptions = new AtomicInteger();

    private static String slot(String accountId, String provider) {
        return accountId + "/" + provider;
    }

    /** Registers (or replaces) the personal key of an account for a provider. */
    public ProviderKey register(String accountId, String provider, String secret) {
        ProviderKey key = new ProviderKey(Ids.newId("byok"), accountId, provider, ProviderKey.Status.ACTIVE, null,
                "…" + secret.substring(Math.max(0, secret.length() - 4)), false, "personal", Instant.now(), null);
        keys.put(slot(accountId, provider), key);
        secrets.put(key.id(), secret);
        return key;
    }

    /** A further (workspace) key of the account, not its active one: found by id, e.g. when an agent is pinned to it. */
    public ProviderKey addKey(String accountId, String provider, String secret, String scope) {
        ProviderKey key = new ProviderKey(Ids.newId("byok"), accountId, provider, ProviderKey.Status.ACTIVE, "extra",
                "…" + secret.substring(Math.max(0, secret.length() - 4)), false, scope, Instant.now(), null);
        extra.put(key.id(), key);
        secrets.put(key.id(), secret);
        return key;
    }

    public void delete(String accountId, String provider) {
        ProviderKey key = keys.remove(slot(accountId, provider));
        if (key != null) {
            secrets.remove(key.id());
        }
    }

    public void setPlatformKey(String provider, String secret) {
        platform.put(provider, secret);
    }

    public void removePlatformKey(String provider) {
        platform.remove(provider);
    }

    public int decryptions() {
        return decryptions.get();
    }

    public Optional<ProviderKey> key(String accountId, String provider) {
        return Optional.ofNullable(keys.get(slot(accountId, provider)));
    }

    @Override
    public Optional<ProviderKey> activeKey(String accountId, String provider) {
        return key(accountId, provider);
    }

    @Override
    public Map<String, ProviderKey> activeKeys(String accountId) {
        Map<String, ProviderKey> active = new java.util.HashMap<>();
        keys.values().stream().filter(k -> k.accountId().equals(accountId)).forEach(k -> active.put(k.provider(), k));
        return active;
    }

    /** No pointers are read on entry with this fake: always its own map. */
    @Override
    public Optional<ProviderKey> activeKey(dev.tollgate.vault.KeysAtEntry read) {
        return activeKey(read.accountId(), read.provider());
    }

    @Override
    public Optional<ProviderKey> find(String accountId, String byokId) {
        return java.util.stream.Stream.concat(keys.values().stream(), extra.values().stream())
                .filter(k -> k.id().equals(byokId) && k.accountId().equals(accountId)).findFirst();
    }

    @Override
    public <T> T useSecret(ProviderKey key, Function<Secret, T> use) {
        String secret = secrets.get(key.id());
        if (secret == null) {
            throw new IllegalStateException("no such key " + key.id());
        }
        decryptions.incrementAndGet();
        try (Secret s = new Secret(secret.getBytes(StandardCharsets.UTF_8))) {
            return use.apply(s);
        }
    }

    @Override
    public void markRejected(ProviderKey key, int providerStatus) {
        setStatus(key, ProviderKey.Status.REJECTED);
    }

    @Override
    public void markActive(ProviderKey key) {
        setStatus(key, ProviderKey.Status.ACTIVE);
    }

    private void setStatus(ProviderKey key, ProviderKey.Status status) {
        keys.computeIfPresent(slot(key.accountId(), key.provider()), (slot, k) -> k.id().equals(key.id())
                ? new ProviderKey(k.id(), k.accountId(), k.provider(), status, k.displayName(), k.hint(), k.isDefault(),
                k.scope(), k.createdAt(), Instant.now())
                : k);
    }

    @Override
    public Set<String> platformProviders() {
        return Set.copyOf(platform.keySet());
    }

    @Override
    public <T> Optional<T> usePlatformSecret(String provider, Function<Secret, T> use) {
        String secret = platform.get(provider);
        if (secret == null) {
            return Optional.empty();
        }
        try (Secret s = new Secret(secret.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(use.apply(s));
        }
    }
}
