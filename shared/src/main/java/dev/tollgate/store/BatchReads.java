package dev.tollgate.store;

import dev.tollgate.retry.Backoff;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** Strongly consistent {@code BatchGetItem}s, asking again for the keys DynamoDB left unprocessed under load. */
final class BatchReads {
    private static final int ATTEMPTS = 5;

    /** The items found, by table; {@code complete} is false when some keys stayed unprocessed. */
    record Result(Map<String, List<Map<String, AttributeValue>>> byTable, boolean complete) {
        List<Map<String, AttributeValue>> items(String table) {
            return byTable.getOrDefault(table, List.of());
        }
    }

    private BatchReads() {
    }

    static Result get(DynamoDbClient dynamo, Map<String, List<Map<String, AttributeValue>>> keysByTable) {
        Map<String, KeysAndAttributes> request = new HashMap<>();
        keysByTable.forEach((table, keys) -> request.put(table,
                KeysAndAttributes.builder().keys(keys).consistentRead(true).build()));
        Map<String, List<Map<String, AttributeValue>>> found = new HashMap<>();
        Map<String, KeysAndAttributes> pending = request;
        for (int attempt = 0; attempt < ATTEMPTS && !pending.isEmpty(); attempt++) {
            Map<String, KeysAndAttributes> asked = pending;
            var response = dynamo.batchGetItem(b -> b.requestItems(asked));
            response.responses().forEach((table, items) ->
                    found.computeIfAbsent(table, t -> new ArrayList<>()).addAll(items));
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            if (!pending.isEmpty() && attempt + 1 < ATTEMPTS) {
                Backoff.pause(attempt); // DynamoDB left keys unread under throttling: give it a moment
            }
        }
        return new Result(found, pending.isEmpty());
    }
}
