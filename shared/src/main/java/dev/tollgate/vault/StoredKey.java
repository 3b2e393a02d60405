package dev.tollgate.vault;

/**
 * One provider key as the registry stores it: its metadata, its sealed secret and the HTTP status of the last
 * verify or rejected call ({@code null} if none).
 */
public record StoredKey(ProviderKey key, SealedSecret sealed, Integer providerStatus) {

    public EncryptionContext context() {
        return new EncryptionContext(key.accountId(), key.provider(), key.id());
    }

    @Override
    public String toString() {
        return "StoredKey[" + key.id() + "]";
    }
}
