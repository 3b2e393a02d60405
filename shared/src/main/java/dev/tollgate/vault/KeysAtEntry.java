package dev.tollgate.vault;

import java.util.Optional;

/**
 * One provider's key pointers of an account, with the copies of the records they name, as read in a request's first
 * (batched) read. {@code slot} and {@code workspaceDefault} are null when that pointer does not exist.
 * {@code complete} is false when a pointer was written before pointers carried copies: the key must then be read from
 * its record.
 */
public record KeysAtEntry(String accountId, String provider, StoredKey slot, StoredKey workspaceDefault,
                          boolean complete) {

    /** The key a call for the provider uses: the slot's (personal, platform), else the workspace default. */
    public Optional<StoredKey> active() {
        return Optional.ofNullable(slot != null ? slot : workspaceDefault);
    }

    public boolean isFor(String accountId, String provider) {
        return this.accountId.equals(accountId) && this.provider.equals(provider);
    }

    @Override
    public String toString() {
        return "KeysAtEntry[" + accountId + "/" + provider + "]";
    }
}
