package dev.tollgate.store;

import static dev.tollgate.store.Attr.s;

import dev.tollgate.auth.ApiKeyRecord;
import dev.tollgate.auth.ApiKeyStore;
import dev.tollgate.auth.Caller;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** API keys by SHA-256 hash (table key), by id (GSI ByKeyId) and by account (GSI ByAccount). */
public final class DynamoApiKeyStore implements ApiKeyStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoApiKeyStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void create(ApiKeyRecord r) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("key_hash", s(r.keyHash()));
        item.put("key_id", s(r.keyId()));
        item.put("account_id", s(r.accountId()));
        item.put("principal_type", s(r.principalType().wire()));
        item.put("principal_id", s(r.principalId()));
        item.put("name", s(r.name()));
        item.put("hint", s(r.hint()));
        item.put("created_at", Attr.time(r.createdAt()));
        dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(key_hash)"));
    }

    @Override
    public Optional<ApiKeyRecord> findByHash(String keyHash) {
        var item = dynamo.getItem(b -> b.tableName(table).key(Map.of("key_hash", s(keyHash)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(item));
    }

    @Override
    public Optional<ApiKeyRecord> findById(String keyId) {
        var items = dynamo.query(b -> b.tableName(table).indexName("ByKeyId")
                .keyConditionExpression("key_id = :id")
                .expressionAttributeValues(Map.of(":id", s(keyId)))).items();
        return items.isEmpty() ? Optional.empty() : Optional.of(read(items.get(0)));
    }

    @Override
    public List<ApiKeyRecord> listByAccount(String accountId) {
        return dynamo.queryPaginator(b -> b.tableName(table).indexName("ByAccount")
                        .keyConditionExpression("account_id = :a")
                        .expressionAttributeValues(Map.of(":a", s(accountId))))
                .items().stream().map(DynamoApiKeyStore::read).toList();
    }

    @Override
    public boolean revoke(String keyId, Instant at) {
        var record = findById(keyId);
        if (record.isEmpty()) {
            return false;
        }
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of("key_hash", s(record.get().keyHash())))
                    .updateExpression("SET revoked_at = :t")
                    .conditionExpression("attribute_exists(key_hash) AND attribute_not_exists(revoked_at)")
                    .expressionAttributeValues(Map.of(":t", Attr.time(at))));
            return true;
        } catch (ConditionalCheckFailedException alreadyRevoked) {
            return false;
        }
    }

    @Override
    public void touch(String keyHash, Instant now, Instant staleBefore) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of("key_hash", s(keyHash)))
                    .updateExpression("SET last_used_at = :now")
                    .conditionExpression("attribute_exists(key_hash) AND (attribute_not_exists(last_used_at) OR last_used_at < :stale)")
                    .expressionAttributeValues(Map.of(":now", Attr.time(now), ":stale", Attr.time(staleBefore))));
        } catch (ConditionalCheckFailedException anotherRequestTouchedIt) {
            // Another concurrent request stamped it first: nothing to do.
        }
    }

    static ApiKeyRecord read(Map<String, AttributeValue> item) {
        return new ApiKeyRecord(
                Attr.str(item, "key_id"), Attr.str(item, "key_hash"), Attr.str(item, "account_id"),
                Caller.PrincipalType.parse(Attr.str(item, "principal_type")), Attr.str(item, "principal_id"),
                Attr.str(item, "name"), Attr.str(item, "hint"), Attr.instant(item, "created_at"),
                Attr.instant(item, "last_used_at"), Attr.instant(item, "revoked_at"));
    }
}
