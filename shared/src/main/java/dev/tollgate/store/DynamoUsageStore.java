package dev.tollgate.store;

import static dev.tollgate.store.Attr.n;
import static dev.tollgate.store.Attr.s;

import dev.tollgate.billing.AtomicWrite;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.billing.UsageStore;
import dev.tollgate.domain.Ids;
import dev.tollgate.paging.Cursors;
import dev.tollgate.paging.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Usage records on the UsageTable: pk {@code account_id}, sk the time-sortable usage id, TTL about 400 days. Calls
 * sent with a run id also carry {@code run_key} ({@code <account>#<run>}), the key of the sparse index ByRun.
 */
public final class DynamoUsageStore implements UsageStore {
    static final Duration RETENTION = Duration.ofDays(400);
    static final String RUN_INDEX = "ByRun";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoUsageStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private Put put(UsageRecord r) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("account_id", s(r.accountId()));
        item.put("sk", s(r.usageId()));
        item.put("request_id", s(r.requestId()));
        item.put("at", Attr.time(r.at()));
        item.put("provider", s(r.provider()));
        item.put("operation", s(r.operation()));
        item.put("mode", s(r.mode()));
        item.put("status", s(r.status()));
        item.put("http_status", n(r.httpStatus()));
        item.put("latency_ms", n(r.latencyMs()));
        item.put("upstream_ms", n(r.upstreamMs()));
        item.put("input_tokens", n(r.inputTokens()));
        item.put("output_tokens", n(r.outputTokens()));
        item.put("characters", n(r.characters()));
        item.put("credits", n(r.creditsMicros()));
        item.put("uncharged", n(r.unchargedMicros()));
        optional(item, "error_code", r.errorCode());
        optional(item, "byok_key_id", r.byokKeyId());
        optional(item, "key_source", r.keySource());
        optional(item, "model", r.model());
        optional(item, "hold_id", r.holdId());
        optional(item, "caller_key_id", r.callerKeyId());
        optional(item, "agent_id", r.agentId());
        optional(item, "run_id", r.runId());
        if (r.runId() != null) {
            item.put("run_key", s(runKey(r.accountId(), r.runId())));
        }
        item.put("ttl", n(r.at().plus(RETENTION).getEpochSecond()));
        return Put.builder().tableName(table).item(item).build();
    }

    private static void optional(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    @Override
    public AtomicWrite recordWrite(UsageRecord record) {
        return new DynamoWrite(TransactWriteItem.builder().put(put(record)).build());
    }

    @Override
    public void record(UsageRecord record) {
        Put put = put(record);
        dynamo.putItem(b -> b.tableName(put.tableName()).item(put.item()));
    }

    @Override
    public long scan(String accountId, Instant from, Instant to, long max, Consumer<UsageRecord> sink) {
        String lower = Ids.timePrefix("use", from);
        String upper = Ids.timePrefix("use", to);
        long seen = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from0 = start;
            var page = dynamo.query(b -> b.tableName(table)
                    .keyConditionExpression("account_id = :a AND sk BETWEEN :lo AND :hi")
                    .expressionAttributeValues(Map.of(":a", s(accountId), ":lo", s(lower), ":hi", s(upper)))
                    .exclusiveStartKey(from0));
            for (var item : page.items()) {
                if (seen == max) {
                    return max + 1;
                }
                sink.accept(read(item));
                seen++;
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return seen;
    }

    @Override
    public Page<UsageRecord> runCalls(String accountId, String runId, String cursor, int limit) {
        Map<String, AttributeValue> start = null;
        String key = runKey(accountId, runId);
        if (cursor != null) {
            String after = Cursors.decodeId(cursor, "use");
            start = Map.of("run_key", s(key), "sk", s(after), "account_id", s(accountId));
        }
        Map<String, AttributeValue> exclusiveStart = start;
        var page = dynamo.query(b -> b.tableName(table).indexName(RUN_INDEX)
                .keyConditionExpression("run_key = :r")
                .expressionAttributeValues(Map.of(":r", s(key)))
                .exclusiveStartKey(exclusiveStart)
                .limit(limit));
        List<UsageRecord> calls = page.items().stream().map(DynamoUsageStore::read).toList();
        boolean more = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() && !calls.isEmpty();
        return new Page<>(calls, more ? Cursors.encode(calls.get(calls.size() - 1).usageId()) : null);
    }

    private static String runKey(String accountId, String runId) {
        return accountId + "#" + runId;
    }

    private static UsageRecord read(Map<String, AttributeValue> item) {
        return new UsageRecord(Attr.str(item, "account_id"), Attr.str(item, "sk"), Attr.str(item, "request_id"),
                Attr.instant(item, "at"), Attr.str(item, "provider"), Attr.str(item, "operation"),
                Attr.str(item, "mode"), Attr.str(item, "status"), (int) Attr.num(item, "http_status"),
                Attr.str(item, "error_code"), Attr.num(item, "latency_ms"), Attr.num(item, "upstream_ms"),
                Attr.num(item, "input_tokens"), Attr.num(item, "output_tokens"), Attr.num(item, "characters"),
                Attr.num(item, "credits"), Attr.num(item, "uncharged"), Attr.str(item, "byok_key_id"),
                Attr.str(item, "key_source"), Attr.str(item, "model"), Attr.str(item, "hold_id"),
                Attr.str(item, "caller_key_id"), Attr.str(item, "agent_id"), Attr.str(item, "run_id"));
    }
}
