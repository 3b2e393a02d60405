package dev.tollgate.store;

import static dev.tollgate.store.Attr.n;
import static dev.tollgate.store.Attr.s;

import dev.tollgate.audit.AuditEntry;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.audit.AuditTrail;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import dev.tollgate.paging.Page;
import dev.tollgate.retry.Backoff;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The audit trail on {@code AuditTable} (pk {@code account_id}, sk {@code seq} N). Appending reads the newest entry
 * and puts entry {@code seq + 1} chained to its hash with {@code attribute_not_exists}: two concurrent appends cannot
 * both take the same position, and the loser re-reads and chains after the winner.
 */
public final class DynamoAuditTrail implements AuditTrail, AuditLog {
    private static final Log LOG = Log.get(DynamoAuditTrail.class);
    private static final int MAX_ATTEMPTS = 100;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoAuditTrail(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public void record(String accountId, String actor, String action, String objectId, Map<String, String> details) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            AuditEntry previous = latest(accountId);
            AuditEntry entry = AuditEntry.next(accountId, previous, clock.instant(), actor, action, objectId, details);
            try {
                dynamo.putItem(b -> b.tableName(table).item(item(entry))
                        .conditionExpression("attribute_not_exists(account_id)"));
                return;
            } catch (ConditionalCheckFailedException anotherAppendTookThisSeq) {
                // re-read the newest entry and chain after it, once the other appender has moved on
                Backoff.pause(attempt);
            }
        }
        LOG.warn("audit append contention: giving up", "account_id", accountId, "action", action);
        throw new TollgateException(ErrorCode.CONFLICT, "The account is busy; retry the request");
    }

    private AuditEntry latest(String accountId) {
        var items = dynamo.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("account_id = :a")
                .expressionAttributeValues(Map.of(":a", s(accountId)))
                .scanIndexForward(false).limit(1)).items();
        return items.isEmpty() ? null : read(items.get(0));
    }

    @Override
    public Page<AuditEntry> entries(String accountId, String cursor, int limit) {
        Map<String, AttributeValue> start = cursor == null ? null
                : Map.of("account_id", s(accountId), "seq", n(decodeCursor(cursor)));
        var response = dynamo.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("account_id = :a")
                .expressionAttributeValues(Map.of(":a", s(accountId)))
                .scanIndexForward(false)
                .limit(limit)
                .exclusiveStartKey(start));
        List<AuditEntry> items = response.items().stream().map(DynamoAuditTrail::read).toList();
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Long.toString(Attr.num(response.lastEvaluatedKey(), "seq"), 36) : null;
        return new Page<>(items, next);
    }

    private static long decodeCursor(String cursor) {
        try {
            long seq = Long.parseLong(cursor, 36);
            if (seq < 1) {
                throw new NumberFormatException();
            }
            return seq;
        } catch (NumberFormatException e) {
            throw new TollgateException(ErrorCode.INVALID_CURSOR, "cursor is not one this endpoint returned");
        }
    }

    static Map<String, AttributeValue> item(AuditEntry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("account_id", s(e.accountId()));
        item.put("seq", n(e.seq()));
        item.put("at", Attr.time(e.at()));
        item.put("actor", s(e.actor()));
        item.put("action", s(e.action()));
        item.put("object_id", s(e.objectId()));
        Map<String, AttributeValue> details = new LinkedHashMap<>();
        e.details().forEach((k, v) -> details.put(k, s(v)));
        item.put("details", AttributeValue.fromM(details));
        item.put("prev_hash", s(e.prevHash()));
        item.put("hash", s(e.hash()));
        return item;
    }

    static AuditEntry read(Map<String, AttributeValue> item) {
        Map<String, String> details = new LinkedHashMap<>();
        AttributeValue d = item.get("details");
        if (d != null && d.hasM()) {
            d.m().forEach((k, v) -> details.put(k, v.s()));
        }
        return new AuditEntry(Attr.str(item, "account_id"), Attr.num(item, "seq"), Attr.instant(item, "at"),
                Attr.str(item, "actor"), Attr.str(item, "action"), Attr.str(item, "object_id"), details,
                Attr.str(item, "prev_hash"), Attr.str(item, "hash"));
    }
}
