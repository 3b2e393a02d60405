package dev.tollgate.store;

import static dev.tollgate.store.Attr.n;
import static dev.tollgate.store.Attr.s;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.paging.Cursors;
import dev.tollgate.retry.Backoff;
import dev.tollgate.vault.ProviderKey;
import dev.tollgate.vault.ProviderKeyStore;
import dev.tollgate.vault.SealedSecret;
import dev.tollgate.vault.StoredKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Provider keys in {@code ProviderKeysTable} (pk {@code account_id}, sk {@code sk}), one partition per account:
 * <ul>
 *   <li>{@code key#<byok_id>}: metadata + sealed secret (ciphertext, nonce, wrapped data key, CMK id, scheme);</li>
 *   <li>{@code slot#<provider>}: {@code byok_id} of the one personal (or platform) key of that provider;</li>
 *   <li>{@code default#<provider>}: {@code byok_id} of a workspace's default key of that provider.</li>
 * </ul>
 * A pointer also carries a copy of the record it names (metadata and sealed secret), written in the same transaction
 * as every change of that record, so a call learns which key it uses and gets its ciphertext by reading the two
 * pointers by primary key, batched with the request's other reads ({@link DynamoEntryStore}, SPEC §11.4). Deleting a
 * key deletes its pointers in the same transaction, so no copy outlives the key. Pointers written before the copies
 * existed have no {@code ciphertext}: readers then fall back to the record.
 *
 * <p>Personal, platform and workspace keys share the layout, so workspace routes need no migration. A whole account
 * is read with one consistent Query (a person has at most one key per provider).
 */
public final class DynamoProviderKeyStore implements ProviderKeyStore {
    static final String KEY = "key#";
    static final String SLOT = "slot#";
    static final String DEFAULT = "default#";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoProviderKeyStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public AccountKeys load(String accountId) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("account_id = :a")
                        .expressionAttributeValues(Map.of(":a", s(accountId))))
                .items().forEach(items::add);
        Map<String, String> slots = new LinkedHashMap<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        for (var item : items) {
            String sk = Attr.str(item, "sk");
            if (sk.startsWith(SLOT)) {
                slots.put(sk.substring(SLOT.length()), Attr.str(item, "byok_id"));
            } else if (sk.startsWith(DEFAULT)) {
                defaults.put(sk.substring(DEFAULT.length()), Attr.str(item, "byok_id"));
            }
        }
        List<StoredKey> keys = new ArrayList<>();
        for (var item : items) {
            if (Attr.str(item, "sk").startsWith(KEY)) {
                String id = Attr.str(item, "byok_id");
                keys.add(read(item, id.equals(defaults.get(Attr.str(item, "provider")))));
            }
        }
        return new AccountKeys(List.copyOf(keys), Map.copyOf(slots), Map.copyOf(defaults));
    }

    @Override
    public boolean putInSlot(StoredKey key, String expectedPrevious) {
        ProviderKey k = key.key();
        List<TransactWriteItem> writes = new ArrayList<>(3);
        writes.add(putNew(item(key)));
        writes.add(putPointer(SLOT + k.provider(), key, expectedPrevious, k.createdAt()));
        if (expectedPrevious != null) {
            writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                    .key(key(k.accountId(), KEY + expectedPrevious)).build()).build());
        }
        return transact(writes, 1);
    }

    @Override
    public boolean putWorkspaceKey(StoredKey key, boolean makeDefault, String expectedPreviousDefault) {
        ProviderKey k = key.key();
        List<TransactWriteItem> writes = new ArrayList<>(2);
        writes.add(putNew(item(key)));
        if (makeDefault) {
            writes.add(putPointer(DEFAULT + k.provider(), key, expectedPreviousDefault, k.createdAt()));
        }
        return transact(writes, 1);
    }

    @Override
    public boolean setDefault(String accountId, String provider, String byokId, String expectedPreviousDefault, Instant at) {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(key(accountId, KEY + byokId))).item();
        if (item == null || item.isEmpty() || !provider.equals(Attr.str(item, "provider"))) {
            return false;
        }
        StoredKey copy = read(item, true);
        List<TransactWriteItem> writes = new ArrayList<>(2);
        // The copy the pointer gets must still be the record: unchanged status and sealed secret, or no write.
        writes.add(TransactWriteItem.builder().conditionCheck(ConditionCheck.builder().tableName(table)
                .key(key(accountId, KEY + byokId))
                .conditionExpression("attribute_exists(sk) AND provider = :p AND #st = :st AND wrapped_key = :wk")
                .expressionAttributeNames(Map.of("#st", "status"))
                .expressionAttributeValues(Map.of(":p", s(provider), ":st", item.get("status"),
                        ":wk", item.get("wrapped_key"))).build()).build());
        writes.add(putPointer(DEFAULT + provider, copy, expectedPreviousDefault, at));
        return Transactions.tryWrite(dynamo, writes);
    }

    @Override
    public boolean delete(String accountId, String byokId) {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(key(accountId, KEY + byokId))).item();
        if (item == null || item.isEmpty()) {
            return false;
        }
        String provider = Attr.str(item, "provider");
        List<TransactWriteItem> writes = new ArrayList<>(3);
        writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(accountId, KEY + byokId))
                .conditionExpression("attribute_exists(sk)").build()).build());
        // Pointers to the key go with it; pointers to another key stay (the condition makes the delete a no-op).
        for (String pointer : pointersNaming(accountId, provider, byokId)) {
            writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(key(accountId, pointer))
                    .conditionExpression("byok_id = :id")
                    .expressionAttributeValues(Map.of(":id", s(byokId))).build()).build());
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                dynamo.transactWriteItems(b -> b.transactItems(writes));
                return true;
            } catch (TransactionCanceledException e) {
                if (firstConditionFailed(e)) {
                    return false;
                }
                if (e.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                    // A pointer moved to a newer key meanwhile (a replace won): only this record remains to purge.
                    writes.subList(1, writes.size()).clear();
                }
                Backoff.pause(attempt);
            }
        }
        throw new TollgateException(ErrorCode.CONFLICT, "The key is being changed by another request; retry");
    }

    @Override
    public boolean updateStatus(String accountId, String byokId, ProviderKey.Status status, Integer providerStatus,
                                Instant checkedAt) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":st", s(status.wire()));
        values.put(":at", Attr.time(checkedAt));
        String update = "SET #st = :st, checked_at = :at";
        if (providerStatus != null) {
            values.put(":ps", n(providerStatus));
            update += ", provider_status = :ps";
        }
        return updateWithCopies(accountId, byokId, update, Map.of("#st", "status"), values, "attribute_exists(sk)");
    }

    @Override
    public boolean replaceSealed(String accountId, String byokId, SealedSecret expected, SealedSecret replacement) {
        return updateWithCopies(accountId, byokId, "SET wrapped_key = :wk, cmk_id = :cmk", Map.of(), Map.of(
                        ":wk", AttributeValue.fromB(SdkBytes.fromByteArray(replacement.wrappedKey())),
                        ":cmk", s(replacement.masterKeyId()),
                        ":old", AttributeValue.fromB(SdkBytes.fromByteArray(expected.wrappedKey()))),
                "attribute_exists(sk) AND wrapped_key = :old");
    }

    /**
     * Applies {@code update} to the record (under {@code recordCondition}) and to every pointer that names it, in one
     * transaction, so the copies stay the record. False when the record is gone or fails its condition.
     */
    private boolean updateWithCopies(String accountId, String byokId, String update, Map<String, String> names,
                                     Map<String, AttributeValue> values, String recordCondition) {
        for (int attempt = 0; attempt < 5; attempt++) {
            var record = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(key(accountId, KEY + byokId))).item();
            if (record == null || record.isEmpty()) {
                return false;
            }
            String provider = Attr.str(record, "provider");
            List<TransactWriteItem> writes = new ArrayList<>(3);
            writes.add(updateItem(accountId, KEY + byokId, update, names, values, recordCondition));
            Map<String, AttributeValue> pointerValues = new HashMap<>(values);
            pointerValues.put(":id", s(byokId));
            for (String pointer : pointersNaming(accountId, provider, byokId)) {
                writes.add(updateItem(accountId, pointer, update, names, pointerValues, "byok_id = :id"));
            }
            try {
                dynamo.transactWriteItems(b -> b.transactItems(writes));
                return true;
            } catch (TransactionCanceledException e) {
                if (firstConditionFailed(e)) {
                    return false;
                }
                // A pointer moved meanwhile, or a concurrent write: read again and retry.
                Backoff.pause(attempt);
            }
        }
        throw new TollgateException(ErrorCode.CONFLICT, "The key is being changed by another request; retry");
    }

    /** The transaction's first write (the key record) failed its condition: the record is gone or changed. */
    private static boolean firstConditionFailed(TransactionCanceledException e) {
        List<CancellationReason> reasons = e.cancellationReasons();
        return !reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code());
    }

    /** The sort keys of the provider's pointers that name {@code byokId} now (read consistently). */
    private List<String> pointersNaming(String accountId, String provider, String byokId) {
        List<String> naming = new ArrayList<>(2);
        for (String pointer : List.of(SLOT + provider, DEFAULT + provider)) {
            var holder = dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(key(accountId, pointer))).item();
            if (holder != null && byokId.equals(Attr.str(holder, "byok_id"))) {
                naming.add(pointer);
            }
        }
        return naming;
    }

    private TransactWriteItem updateItem(String accountId, String sk, String update, Map<String, String> names,
                                         Map<String, AttributeValue> values, String condition) {
        Map<String, AttributeValue> used = new HashMap<>(values);
        used.keySet().removeIf(name -> !update.contains(name) && !condition.contains(name));
        Update.Builder b = Update.builder().tableName(table).key(key(accountId, sk)).updateExpression(update)
                .conditionExpression(condition).expressionAttributeValues(used);
        if (!names.isEmpty()) {
            b.expressionAttributeNames(names);
        }
        return TransactWriteItem.builder().update(b.build()).build();
    }

    @Override
    public ScanPage scan(String cursor, int limit) {
        Map<String, AttributeValue> start = cursor == null ? null : decodeCursor(cursor);
        var response = dynamo.scan(b -> b.tableName(table).consistentRead(true).limit(limit)
                .filterExpression("begins_with(sk, :k)")
                .expressionAttributeValues(Map.of(":k", s(KEY)))
                .exclusiveStartKey(start));
        List<StoredKey> keys = response.items().stream().map(item -> read(item, false)).toList();
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? encodeCursor(response.lastEvaluatedKey()) : null;
        return new ScanPage(keys, next);
    }

    private boolean transact(List<TransactWriteItem> writes, int pointerIndex) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(writes));
            return true;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (reasons.size() > pointerIndex && "ConditionalCheckFailed".equals(reasons.get(pointerIndex).code())) {
                return false;
            }
            if (reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()))) {
                return false;
            }
            throw e;
        }
    }

    private TransactWriteItem putNew(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(sk)").build()).build();
    }

    /** The pointer {@code sk} of the key's account, naming it and carrying a copy of its record. */
    private TransactWriteItem putPointer(String sk, StoredKey named, String expectedPrevious, Instant at) {
        Map<String, AttributeValue> item = item(named);
        item.putAll(key(named.key().accountId(), sk));
        item.put("updated_at", Attr.time(at));
        Put.Builder put = Put.builder().tableName(table).item(item);
        if (expectedPrevious == null) {
            put.conditionExpression("attribute_not_exists(sk)");
        } else {
            put.conditionExpression("byok_id = :prev").expressionAttributeValues(Map.of(":prev", s(expectedPrevious)));
        }
        return TransactWriteItem.builder().put(put.build()).build();
    }

    private static Map<String, AttributeValue> key(String accountId, String sk) {
        return Map.of("account_id", s(accountId), "sk", s(sk));
    }

    static Map<String, AttributeValue> item(StoredKey stored) {
        ProviderKey k = stored.key();
        SealedSecret sealed = stored.sealed();
        Map<String, AttributeValue> item = new HashMap<>(key(k.accountId(), KEY + k.id()));
        item.put("byok_id", s(k.id()));
        item.put("provider", s(k.provider()));
        item.put("scope", s(k.scope()));
        item.put("status", s(k.status().wire()));
        if (k.displayName() != null) {
            item.put("display_name", s(k.displayName()));
        }
        item.put("hint", s(k.hint()));
        item.put("created_at", Attr.time(k.createdAt()));
        if (k.checkedAt() != null) {
            item.put("checked_at", Attr.time(k.checkedAt()));
        }
        if (stored.providerStatus() != null) {
            item.put("provider_status", n(stored.providerStatus()));
        }
        item.put("ciphertext", AttributeValue.fromB(SdkBytes.fromByteArray(sealed.ciphertext())));
        item.put("nonce", AttributeValue.fromB(SdkBytes.fromByteArray(sealed.nonce())));
        item.put("wrapped_key", AttributeValue.fromB(SdkBytes.fromByteArray(sealed.wrappedKey())));
        item.put("cmk_id", s(sealed.masterKeyId()));
        item.put("scheme", n(sealed.scheme()));
        return item;
    }

    static StoredKey read(Map<String, AttributeValue> item, boolean isDefault) {
        ProviderKey key = new ProviderKey(Attr.str(item, "byok_id"), Attr.str(item, "account_id"),
                Attr.str(item, "provider"), ProviderKey.Status.valueOf(Attr.str(item, "status").toUpperCase(Locale.ROOT)),
                Attr.str(item, "display_name"), Attr.str(item, "hint"), isDefault, Attr.str(item, "scope"),
                Attr.instant(item, "created_at"), Attr.instant(item, "checked_at"));
        SealedSecret sealed = new SealedSecret(bytes(item, "ciphertext"), bytes(item, "nonce"),
                bytes(item, "wrapped_key"), Attr.str(item, "cmk_id"), (int) Attr.num(item, "scheme"));
        Long status = Attr.numOrNull(item, "provider_status");
        return new StoredKey(key, sealed, status == null ? null : status.intValue());
    }

    private static byte[] bytes(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.b() == null ? new byte[0] : v.b().asByteArray();
    }

    private static String encodeCursor(Map<String, AttributeValue> lastKey) {
        return Cursors.encode(Attr.str(lastKey, "account_id") + "\n" + Attr.str(lastKey, "sk"));
    }

    private static Map<String, AttributeValue> decodeCursor(String cursor) {
        return Cursors.decode(cursor, raw -> {
            int nl = raw.indexOf('\n');
            String sk = nl <= 0 ? "" : raw.substring(nl + 1);
            return sk.startsWith(KEY) || sk.startsWith(SLOT) || sk.startsWith(DEFAULT) ? key(raw.substring(0, nl), sk)
                    : null;
        });
    }
}
