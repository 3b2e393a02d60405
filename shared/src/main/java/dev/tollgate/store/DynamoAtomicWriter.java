package dev.tollgate.store;

import dev.tollgate.billing.AtomicWrite;
import dev.tollgate.billing.AtomicWriter;
import dev.tollgate.billing.CompanionConditionFailed;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** One {@code TransactWriteItems} (a single write goes as a transaction of one, to keep one error path). */
public final class DynamoAtomicWriter implements AtomicWriter {
    private final DynamoDbClient dynamo;

    public DynamoAtomicWriter(DynamoDbClient dynamo) {
        this.dynamo = dynamo;
    }

    @Override
    public void commit(List<AtomicWrite> writes) {
        if (writes.isEmpty()) {
            return;
        }
        List<TransactWriteItem> items = DynamoWrite.items(writes);
        try {
            dynamo.transactWriteItems(b -> b.transactItems(items));
        } catch (TransactionCanceledException e) {
            var reasons = e.cancellationReasons();
            for (int i = 0; i < reasons.size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    throw new CompanionConditionFailed(i);
                }
            }
            throw e;
        }
    }
}
