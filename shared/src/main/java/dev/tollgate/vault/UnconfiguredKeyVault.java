package dev.tollgate.vault;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The vault before one is configured: no BYOK keys and no platform keys, so every paid call fails with
 * {@code provider_unavailable} (or {@code byok_required}) and free tools still work. Replaced by the real vault
 * in {@code Services.keyVault()}.
 */
public final class UnconfiguredKeyVault implements KeyVault {
    public static final UnconfiguredKeyVault INSTANCE = new UnconfiguredKeyVault();

    private UnconfiguredKeyVault() {
    }

    @Override
    public Optional<ProviderKey> activeKey(String accountId, String provider) {
        return Optional.empty();
    }

    @Override
    public Optional<ProviderKey> find(String accountId, String byokId) {
        return Optional.empty();
    }

    @Override
    public <T> T useSecret(ProviderKey key, Function<Secret, T> use) {
        throw new IllegalStateException("vault not configured: no key " + key.id() + " can be decrypted");
    }

    @Override
    public void markRejected(ProviderKey key, int providerStatus) {
        // nothing stored, nothing to mark
    }

    @Override
    public void markActive(ProviderKey key) {
        // nothing stored, nothing to mark
    }

    @Override
    public Set<String> platformProviders() {
        return Set.of();
    }

    @Override
    public <T> Optional<T> usePlatformSecret(String provider, Function<Secret, T> use) {
        return Optional.empty();
    }
}
