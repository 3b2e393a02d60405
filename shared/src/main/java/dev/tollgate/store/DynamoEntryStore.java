package dev.tollgate.store;

import static dev.tollgate.store.Attr.s;

import dev.tollgate.account.AccountStore;
import dev.tollgate.auth.ApiKeyRecord;
import dev.tollgate.auth.EntryStore;
import dev.tollgate.vault.KeysAtEntry;
import dev.tollgate.vault.StoredKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link EntryStore} as one {@code BatchGetItem} over three tables: the API key item (by hash), the account profile
 * and balance shards, and the provider's {@code slot#}/{@code default#} pointers with their copies of the key record.
 */
public final class DynamoEntryStore implements EntryStore {
    private final DynamoDbClient dynamo;
    private final Tables tables;

    public DynamoEntryStore(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    @Override
    public Entry read(String keyHash, String accountId, int balanceShards, String provider) {
        Map<String, List<Map<String, AttributeValue>>> keys = new HashMap<>();
        keys.put(tables.apiKeys(), List.of(Map.of("key_hash", s(keyHash))));
        keys.put(tables.accounts(), DynamoAccountStore.keysWithBalance(accountId, balanceShards));
        if (provider != null) {
            keys.put(tables.providerKeys(), List.of(
                    pointerKey(accountId, DynamoProviderKeyStore.SLOT + provider),
                    pointerKey(accountId, DynamoProviderKeyStore.DEFAULT + provider)));
        }
        BatchReads.Result read = BatchReads.get(dynamo, keys);
        List<Map<String, AttributeValue>> apiKey = read.items(tables.apiKeys());
        if (!read.complete()) {
            // Rare (throttling left keys unprocessed): the API key is read on its own if it was among them, and the
            // caller reads the account and the provider's keys itself.
            if (apiKey.isEmpty()) {
                var item = dynamo.getItem(b -> b.tableName(tables.apiKeys()).consistentRead(true)
                        .key(Map.of("key_hash", s(keyHash)))).item();
                apiKey = item == null || item.isEmpty() ? List.of() : List.of(item);
            }
            return new Entry(apiKey.isEmpty() ? null : DynamoApiKeyStore.read(apiKey.get(0)), null, null, null);
        }
        var account = DynamoAccountStore.withBalance(read.items(tables.accounts()), balanceShards);
        return new Entry(apiKey.isEmpty() ? null : DynamoApiKeyStore.read(apiKey.get(0)),
                account.map(AccountStore.AccountWithBalance::account).orElse(null),
                account.map(AccountStore.AccountWithBalance::balance).orElse(null),
                provider == null ? null : keysAtEntry(accountId, provider, read.items(tables.providerKeys())));
    }

    private static KeysAtEntry keysAtEntry(String accountId, String provider, List<Map<String, AttributeValue>> pointers) {
        StoredKey slot = null;
        StoredKey workspaceDefault = null;
        boolean complete = true;
        for (Map<String, AttributeValue> pointer : pointers) {
            if (!pointer.containsKey("ciphertext")) {
                complete = false; // written before pointers carried copies
                continue;
            }
            boolean isDefault = Attr.str(pointer, "sk").startsWith(DynamoProviderKeyStore.DEFAULT);
            // The copy's own account id is the pointer's partition key: the same account as the record.
            StoredKey copy = DynamoProviderKeyStore.read(pointer, isDefault);
            if (isDefault) {
                workspaceDefault = copy;
            } else {
                slot = copy;
            }
        }
        return new KeysAtEntry(accountId, provider, slot, workspaceDefault, complete);
    }

    private static Map<String, AttributeValue> pointerKey(String accountId, String sk) {
        return Map.of("account_id", s(accountId), "sk", s(sk));
    }
}
