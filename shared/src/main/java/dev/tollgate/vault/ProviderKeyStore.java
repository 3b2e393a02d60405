package dev.tollgate.vault;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port to the provider-key records (table {@code ProviderKeysTable}, partition = account). Every write that must
 * hold together is one conditional transaction, so concurrent registrations and deletions never leave two keys in
 * one slot or a pointer to a purged key.
 */
public interface ProviderKeyStore {

    /** Everything of one account, read in one consistent query. */
    record AccountKeys(List<StoredKey> keys, Map<String, String> slots, Map<String, String> defaults) {

        public Optional<StoredKey> byId(String byokId) {
            return keys.stream().filter(k -> k.key().id().equals(byokId)).findFirst();
        }

        /** The key calls for {@code provider} use: the slot holder (personal, platform) or the workspace default. */
        public Optional<StoredKey> active(String provider) {
            String id = slots.containsKey(provider) ? slots.get(provider) : defaults.get(provider);
            return id == null ? Optional.empty() : byId(id);
        }
    }

    /** One page of a full-table walk (rewrap). */
    record ScanPage(List<StoredKey> keys, String nextCursor) {
    }

    AccountKeys load(String accountId);

    /**
     * Stores {@code key} in the one-per-provider slot of its account and purges the previous holder, atomically.
     *
     * @param expectedPrevious the byok id the slot held when the caller read it, or null if it was empty
     * @return false if the slot changed meanwhile (the caller re-reads and retries); nothing was written then
     */
    boolean putInSlot(StoredKey key, String expectedPrevious);

    /**
     * Stores a workspace key (many per provider). With {@code makeDefault}, the provider's default pointer moves to
     * it in the same transaction, conditioned on {@code expectedPreviousDefault}.
     *
     * @return false if the default pointer changed meanwhile; nothing was written then
     */
    boolean putWorkspaceKey(StoredKey key, boolean makeDefault, String expectedPreviousDefault);

    /**
     * Makes {@code byokId} (which must exist) the workspace's default key of {@code provider}, conditioned on the
     * pointer still holding {@code expectedPreviousDefault} (null: no default yet). False if either changed meanwhile.
     */
    boolean setDefault(String accountId, String provider, String byokId, String expectedPreviousDefault, Instant at);

    /** Purges the record (ciphertext and wrapped key included) and any pointer to it. False if it was already gone. */
    boolean delete(String accountId, String byokId);

    /** Sets status, provider status and check time. False if the key no longer exists. */
    boolean updateStatus(String accountId, String byokId, ProviderKey.Status status, Integer providerStatus, Instant checkedAt);

    /** Replaces the sealed secret if it is still {@code expected} (rewrap). False if the record changed or vanished. */
    boolean replaceSealed(String accountId, String byokId, SealedSecret expected, SealedSecret replacement);

    /** Walks every key record of every account, a page at a time. */
    ScanPage scan(String cursor, int limit);
}
