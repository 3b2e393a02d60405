package dev.tollgate.store;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** All-or-nothing writes whose conditions failing is an expected business outcome, not an error. */
final class Transactions {
    private Transactions() {
    }

    /** True when every write was applied; false when a condition (or a concurrent transaction) cancelled them all. */
    static boolean tryWrite(DynamoDbClient dynamo, List<TransactWriteItem> writes) {
        try {
            dynamo.transactWriteItems(b -> b.transactItems(writes));
            return true;
        } catch (TransactionCanceledException cancelled) {
            return false;
        }
    }
}
