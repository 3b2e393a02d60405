package dev.tollgate.store;

import static dev.tollgate.store.Attr.n;
import static dev.tollgate.store.Attr.s;

import dev.tollgate.a2a.TaskStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A2A tasks in the IdempotencyTable, beside the idempotency records they answer for: the same 24-hour life (TTL
 * attribute {@code ttl}), the same per-account scope, written by the same requests. Their key
 * {@code a2a-task#<account>#<task>} cannot meet an idempotency record's {@code <account>#<key>}: account ids start
 * with {@code acct_} or {@code ws_}. As there, DynamoDB deletes expired items lazily, so reads compare {@code ttl}
 * with the time too.
 */
public final class DynamoA2aTaskStore implements TaskStore {
    private static final String PREFIX = "a2a-task#";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoA2aTaskStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String pk(String accountId, String taskId) {
        return PREFIX + accountId + "#" + taskId;
    }

    @Override
    public void put(String accountId, String taskId, String state, byte[] task, boolean gzip, Instant now,
                    Instant expiresAt) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk(accountId, taskId)));
        item.put("account_id", s(accountId));
        item.put("task_id", s(taskId));
        item.put("state", s(state));
        item.put("task", AttributeValue.fromB(SdkBytes.fromByteArray(task)));
        item.put("task_gzip", Attr.bool(gzip));
        item.put("created_at", Attr.time(now));
        item.put("ttl", n(expiresAt.getEpochSecond()));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR #state <> :completed OR #ttl < :now")
                    .expressionAttributeNames(Map.of("#state", "state", "#ttl", "ttl"))
                    .expressionAttributeValues(Map.of(":completed", s("completed"), ":now", n(now.getEpochSecond()))));
        } catch (ConditionalCheckFailedException completedAlready) {
            // The message's task completed before (a replay that re-ran nothing): it keeps its first answer.
        }
    }

    @Override
    public Optional<Stored> find(String accountId, String taskId, Instant now) {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(pk(accountId, taskId))))).item();
        if (item == null || item.isEmpty() || Attr.num(item, "ttl") < now.getEpochSecond() || item.get("task") == null) {
            return Optional.empty();
        }
        AttributeValue gzip = item.get("task_gzip");
        return Optional.of(new Stored(item.get("task").b().asByteArray(), gzip != null && Boolean.TRUE.equals(gzip.bool())));
    }
}
