package dev.tollgate.auth;

import dev.tollgate.billing.Balance;
import dev.tollgate.domain.Account;
import dev.tollgate.vault.KeysAtEntry;

/**
 * Port to the one read a customer request starts with (SPEC §11.4): the API key, the account the request acts for
 * with its balance, and that account's key pointers for the provider the request will call, in a single consistent
 * round trip. Nothing of it is cached, so a revoked API key or a deleted provider key shows on the next request.
 */
public interface EntryStore {

    /**
     * @param keyHash       the presented token's hash
     * @param accountId     the account the request acts for (the token's own, or a workspace it names)
     * @param balanceShards the configured shard count
     * @param provider      the provider whose key pointers to read as well, or null for none
     */
    Entry read(String keyHash, String accountId, int balanceShards, String provider);

    /**
     * What was found. {@code apiKey} null: no such token. {@code account} and {@code balance} null: no one-read
     * answer (unknown account, another shard count, or keys DynamoDB left unprocessed), so the caller reads them
     * itself. {@code keys} null: not asked for, or not read completely.
     */
    record Entry(ApiKeyRecord apiKey, Account account, Balance balance, KeysAtEntry keys) {
    }
}
