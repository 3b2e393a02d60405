package dev.tollgate.vault;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** A vault with no keys at all: what a deployment without the vault configured sees (and unit tests start from). */
public final class NoKeyVault implements KeyVault {
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
        throw new IllegalStateException("no vault configured");
    }

    @Override
    public void markRejected(ProviderKey key, int providerStatus) {
    }

    @Override
    public void markActive(ProviderKey key) {
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
