package dev.tollgate.vault;

import dev.tollgate.audit.AuditTrail;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@link KeyVault} on the provider-key store and the envelope cipher.
 *
 * <p>Customer secrets are decrypted on every {@link #useSecret} call (one KMS Decrypt) and wiped when the callback
 * returns; they are never cached. What is remembered for a minute is the <em>sealed</em> record read by
 * {@link #activeKey}/{@link #find}, so that the call that follows needs no second DynamoDB read (ciphertext is
 * useless without KMS and the context). Platform secrets are cached in plaintext for at most five minutes
 * (SPEC §6.4), and dropped when this process changes a platform key.
 */
public final class EnvelopeKeyVault implements KeyVault {
    public static final String PLATFORM_ACCOUNT = "platform";
    static final Duration SEALED_TTL = Duration.ofMinutes(1);
    static final Duration PLATFORM_TTL = Duration.ofMinutes(5);
    private static final int MAX_SEALED = 1_000;

    private final ProviderKeyStore store;
    private final EnvelopeCipher cipher;
    private final AuditTrail audit;
    private final Clock clock;
    private final Map<String, Remembered> sealed = new ConcurrentHashMap<>();
    private final Map<String, CachedPlatformSecret> platformSecrets = new ConcurrentHashMap<>();
    private volatile CachedProviders platformProviders;

    private record Remembered(SealedSecret sealed, Instant until) {
    }

    private record CachedPlatformSecret(byte[] plaintext, Instant until) {
    }

    private record CachedProviders(Set<String> providers, Instant until) {
    }

    public EnvelopeKeyVault(ProviderKeyStore store, EnvelopeCipher cipher, AuditTrail audit, Clock clock) {
        this.store = store;
        this.cipher = cipher;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public Optional<ProviderKey> activeKey(String accountId, String provider) {
        return store.load(accountId).active(provider).map(this::remember);
    }

    @Override
    public Optional<ProviderKey> activeKey(KeysAtEntry read) {
        return read.complete() ? read.active().map(this::remember) : activeKey(read.accountId(), read.provider());
    }

    @Override
    public Map<String, ProviderKey> activeKeys(String accountId) {
        var keys = store.load(accountId);
        Map<String, ProviderKey> active = new java.util.HashMap<>();
        for (StoredKey key : keys.keys()) {
            String provider = key.key().provider();
            if (!active.containsKey(provider)) {
                keys.active(provider).ifPresent(stored -> active.put(provider, stored.key()));
            }
        }
        return active;
    }

    @Override
    public Optional<ProviderKey> find(String accountId, String byokId) {
        return store.load(accountId).byId(byokId).map(this::remember);
    }

    private ProviderKey remember(StoredKey stored) {
        if (sealed.size() >= MAX_SEALED) {
            sealed.clear();
        }
        sealed.put(cacheKey(stored.key()), new Remembered(stored.sealed(), clock.instant().plus(SEALED_TTL)));
        return stored.key();
    }

    private static String cacheKey(ProviderKey key) {
        return key.accountId() + "/" + key.id();
    }

    @Override
    public <T> T useSecret(ProviderKey key, Function<Secret, T> use) {
        Remembered remembered = sealed.remove(cacheKey(key));
        SealedSecret sealedSecret = remembered != null && remembered.until().isAfter(clock.instant())
                ? remembered.sealed()
                : store.load(key.accountId()).byId(key.id()).map(StoredKey::sealed)
                        .orElseThrow(() -> new VaultCryptoException("the key was deleted"));
        try (Secret secret = new Secret(cipher.open(sealedSecret, contextOf(key)))) {
            return use.apply(secret);
        }
    }

    static EncryptionContext contextOf(ProviderKey key) {
        return new EncryptionContext(key.accountId(), key.provider(), key.id());
    }

    @Override
    public void markRejected(ProviderKey key, int providerStatus) {
        if (store.updateStatus(key.accountId(), key.id(), ProviderKey.Status.REJECTED, providerStatus, clock.instant())
                && key.status() != ProviderKey.Status.REJECTED) {
            audit.record(key.accountId(), "system", "byok.rejected", key.id(),
                    Map.of("provider", key.provider(), "provider_status", Integer.toString(providerStatus), "source", "call"));
        }
    }

    @Override
    public void markActive(ProviderKey key) {
        if (store.updateStatus(key.accountId(), key.id(), ProviderKey.Status.ACTIVE, null, clock.instant())
                && key.status() != ProviderKey.Status.ACTIVE) {
            audit.record(key.accountId(), "system", "byok.verified", key.id(),
                    Map.of("provider", key.provider(), "result", "active", "source", "call"));
        }
    }

    @Override
    public Set<String> platformProviders() {
        CachedProviders cached = platformProviders;
        if (cached != null && cached.until().isAfter(clock.instant())) {
            return cached.providers();
        }
        var keys = store.load(PLATFORM_ACCOUNT);
        Set<String> providers = new TreeSet<>();
        keys.slots().keySet().forEach(p -> keys.active(p).ifPresent(k -> providers.add(p)));
        Set<String> result = Set.copyOf(providers);
        platformProviders = new CachedProviders(result, clock.instant().plus(Duration.ofMinutes(1)));
        return result;
    }

    @Override
    public <T> Optional<T> usePlatformSecret(String provider, Function<Secret, T> use) {
        byte[] copy = null;
        synchronized (platformSecrets) {
            CachedPlatformSecret cached = platformSecrets.get(provider);
            if (cached != null && cached.until().isAfter(clock.instant())) {
                copy = cached.plaintext().clone();
            }
        }
        if (copy == null) {
            Optional<StoredKey> stored = store.load(PLATFORM_ACCOUNT).active(provider);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            byte[] plaintext = cipher.open(stored.get().sealed(), stored.get().context());
            synchronized (platformSecrets) {
                CachedPlatformSecret previous = platformSecrets.put(provider,
                        new CachedPlatformSecret(plaintext, clock.instant().plus(PLATFORM_TTL)));
                if (previous != null) {
                    Arrays.fill(previous.plaintext(), (byte) 0);
                }
                copy = plaintext.clone();
            }
        }
        try (Secret secret = new Secret(copy)) {
            return Optional.ofNullable(use.apply(secret));
        }
    }

    /** Forgets cached platform keys (called when this process sets or deletes one). */
    public void forgetPlatformKeys() {
        platformProviders = null;
        synchronized (platformSecrets) {
            platformSecrets.values().forEach(c -> Arrays.fill(c.plaintext(), (byte) 0));
            platformSecrets.clear();
        }
    }
}
