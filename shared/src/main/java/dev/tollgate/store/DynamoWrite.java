package dev.tollgate.store;

import dev.tollgate.billing.AtomicWrite;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** An {@link AtomicWrite} for the DynamoDB ledger: one item of its {@code TransactWriteItems}. */
public record DynamoWrite(TransactWriteItem item) implements AtomicWrite {
    public DynamoWrite {
        Objects.requireNonNull(item, "item");
    }

    static List<TransactWriteItem> items(List<AtomicWrite> writes) {
        return writes.stream().map(w -> {
            if (!(w instanceof DynamoWrite d)) {
                throw new IllegalArgumentException("the DynamoDB ledger can only include DynamoDB writes, not "
                        + w.getClass().getSimpleName());
            }
            return d.item();
        }).toList();
    }
}
