package dev.tollgate.testing;

import dev.tollgate.app.Services;
import dev.tollgate.billing.LedgerEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An account's balance shards, as stored, against the ledger entries that moved them. The ledger records no balance
 * after each entry (writers on a shard do not wait for each other), so this is what keeps it honest: each shard's
 * balance is the sum of its entries' signed changes — nothing moved a shard without its entry, and no entry was
 * written without its move — and neither a shard's balance nor its held amount is below zero.
 */
public final class ShardBooks {
    private ShardBooks() {
    }

    /** Empty when the books agree; otherwise one line per shard that is off. */
    public static List<String> discrepancies(Services services, String accountId, List<LedgerEntry> entries) {
        Map<Integer, Long> sums = entries.stream().collect(
                Collectors.groupingBy(LedgerEntry::shard, Collectors.summingLong(LedgerEntry::balanceChange)));
        List<Map<String, AttributeValue>> shards = services.dynamo().query(b -> b.tableName(services.tables().accounts())
                .consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(accountId),
                        ":prefix", AttributeValue.fromS("balance#")))).items();
        List<String> off = new ArrayList<>();
        if (shards.isEmpty()) {
            off.add("no balance shard for " + accountId);
        }
        for (Map<String, AttributeValue> item : shards) {
            int shard = Integer.parseInt(item.get("sk").s().substring("balance#".length()));
            long balance = Long.parseLong(item.get("balance").n());
            long held = Long.parseLong(item.get("held").n());
            long sum = sums.getOrDefault(shard, 0L);
            if (balance != sum || balance < 0 || held < 0) {
                off.add("shard " + shard + ": balance " + balance + ", held " + held + ", its entries add up to " + sum);
            }
        }
        return off;
    }
}
