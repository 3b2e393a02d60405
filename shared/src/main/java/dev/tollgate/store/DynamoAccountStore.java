package dev.tollgate.store;

import static dev.tollgate.store.Attr.s;

import dev.tollgate.account.AccountStore;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** Account profiles live at (pk=account id, sk="profile") in the accounts table, beside their balance shards. */
public final class DynamoAccountStore implements AccountStore {
    static final String PROFILE = "profile";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoAccountStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public void create(Account account, int balanceShards) {
        dynamo.transactWriteItems(b -> b.transactItems(creationWrites(account, balanceShards, Map.of())));
    }

    /** The profile and zero balance shards of a new account, each conditioned on not existing yet. */
    List<TransactWriteItem> creationWrites(Account account, int balanceShards, Map<String, AttributeValue> extraProfile) {
        List<TransactWriteItem> writes = new ArrayList<>();
        Map<String, AttributeValue> profile = new HashMap<>();
        profile.put("pk", s(account.id()));
        profile.put("sk", s(PROFILE));
        profile.put("type", s(account.type().wire()));
        profile.put("plan", s(account.plan().wire()));
        profile.put("status", s(account.status().wire()));
        profile.put("name", s(account.name()));
        profile.put("created_at", Attr.time(account.createdAt()));
        profile.put("balance_shards", Attr.n(balanceShards));
        profile.putAll(extraProfile);
        writes.add(put(profile));
        for (int shard = 0; shard < balanceShards; shard++) {
            writes.add(put(Map.of("pk", s(account.id()), "sk", s(DynamoCreditLedger.shardKey(shard)),
                    "balance", Attr.n(0), "held", Attr.n(0))));
        }
        return writes;
    }

    private TransactWriteItem put(Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(pk)").build()).build();
    }

    @Override
    public Optional<Account> find(String accountId) {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(accountId), "sk", s(PROFILE)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(read(item));
    }

    @Override
    public Optional<AccountWithBalance> findWithBalance(String accountId, int balanceShards) {
        BatchReads.Result read = BatchReads.get(dynamo, Map.of(table, keysWithBalance(accountId, balanceShards)));
        return read.complete() ? withBalance(read.items(table), balanceShards) : Optional.empty();
    }

    /** The keys of an account's profile and its {@code balanceShards} balance shards. */
    static List<Map<String, AttributeValue>> keysWithBalance(String accountId, int balanceShards) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>(balanceShards + 1);
        keys.add(Map.of("pk", s(accountId), "sk", s(PROFILE)));
        for (int shard = 0; shard < balanceShards; shard++) {
            keys.add(Map.of("pk", s(accountId), "sk", s(DynamoCreditLedger.shardKey(shard))));
        }
        return keys;
    }

    /**
     * The profile and balance among the items read for {@link #keysWithBalance}; empty for an unknown account or one
     * created with another shard count (no one-read answer: callers read the two separately).
     */
    static Optional<AccountWithBalance> withBalance(List<Map<String, AttributeValue>> items, int balanceShards) {
        Map<String, Map<String, AttributeValue>> bySortKey = new HashMap<>();
        items.forEach(item -> bySortKey.put(Attr.str(item, "sk"), item));
        Map<String, AttributeValue> profile = bySortKey.get(PROFILE);
        if (profile == null || Attr.num(profile, "balance_shards") != balanceShards) {
            return Optional.empty();
        }
        long available = 0;
        long held = 0;
        for (int shard = 0; shard < balanceShards; shard++) {
            Map<String, AttributeValue> item = bySortKey.get(DynamoCreditLedger.shardKey(shard));
            if (item != null) {
                available = Math.addExact(available, Attr.num(item, "balance"));
                held = Math.addExact(held, Attr.num(item, "held"));
            }
        }
        return Optional.of(new AccountWithBalance(read(profile), new dev.tollgate.billing.Balance(available, held)));
    }

    @Override
    public Account update(Account account) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of("pk", s(account.id()), "sk", s(PROFILE)))
                    .updateExpression("SET #plan = :plan, #status = :status")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeNames(Map.of("#plan", "plan", "#status", "status"))
                    .expressionAttributeValues(Map.of(":plan", s(account.plan().wire()), ":status", s(account.status().wire()))));
            return account;
        } catch (ConditionalCheckFailedException e) {
            throw TollgateException.notFound("Account");
        }
    }

    static Account read(Map<String, AttributeValue> item) {
        return new Account(
                Attr.str(item, "pk"),
                Account.Type.valueOf(Attr.str(item, "type").toUpperCase(Locale.ROOT)),
                Plan.valueOf(Attr.str(item, "plan").toUpperCase(Locale.ROOT)),
                Account.Status.valueOf(Attr.str(item, "status").toUpperCase(Locale.ROOT)),
                Attr.str(item, "name"),
                Attr.instant(item, "created_at"));
    }
}
