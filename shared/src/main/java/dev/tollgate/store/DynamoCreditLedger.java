package dev.tollgate.store;

import static dev.tollgate.store.Attr.n;
import static dev.tollgate.store.Attr.s;

import dev.tollgate.billing.IdCursors;
import dev.tollgate.billing.AtomicWrite;
import dev.tollgate.billing.Balance;
import dev.tollgate.billing.CompanionConditionFailed;
import dev.tollgate.billing.HoldClosedException;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.Hold;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.billing.Page;
import dev.tollgate.billing.Settlement;
import dev.tollgate.billing.TopUpResult;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The credit ledger on DynamoDB.
 *
 * <p>A balance is split into N shard items (pk=account, sk=balance#i; N=1 by default) so that one hot account can be
 * spread over several items without changing the API. Each shard carries {@code balance}, {@code held} and a
 * {@code version}. Every change is one {@code TransactWriteItems}: the shard update, conditioned on the version it
 * was computed from, plus the ledger entry and any other items of the same business step (hold, top-up
 * reference). Because the new balance is computed from a known version, the ledger records the exact balance
 * after each entry, and a lost race is retried from the fresh state (returned with the failed condition, so a
 * retry costs no extra read).
 */
public final class DynamoCreditLedger implements CreditLedger {
    private static final Log LOG = Log.get(DynamoCreditLedger.class);
    private static final int MAX_ATTEMPTS = 200;
    private static final int HINT_CACHE_SIZE = 10_000;
    /** Open holds are spread over this many GSI partitions so the sweeper's index has no single hot key. */
    static final int OPEN_HOLD_BUCKETS = 8;
    /** The sparse GSI of open holds by expiry (template.yaml, HoldsTable). */
    static final String OPEN_BY_EXPIRY = "OpenByExpiry";

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final int shards;
    private final Clock clock;
    private final Map<String, ShardState> hints = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ShardState> eldest) {
                    return size() > HINT_CACHE_SIZE;
                }
            });

    record ShardState(long balance, long held, long version) {
    }

    /** A business-level condition on one of the extra items failed (index into the extra writes). */
    private static final class ExtraConditionFailed extends RuntimeException {
        final int index;

        ExtraConditionFailed(int index) {
            super(null, null, false, false);
            this.index = index;
        }
    }

    /** The shard cannot cover the debit. */
    private static final class ShardInsufficient extends RuntimeException {
        final long available;

        ShardInsufficient(long available) {
            super(null, null, false, false);
            this.available = available;
        }
    }

    public DynamoCreditLedger(DynamoDbClient dynamo, Tables tables, int shards, Clock clock) {
        if (shards < 1 || shards > 100) {
            throw new IllegalArgumentException("TOLLGATE_BALANCE_SHARDS must be between 1 and 100");
        }
        this.dynamo = dynamo;
        this.tables = tables;
        this.shards = shards;
        this.clock = clock;
    }

    static String shardKey(int shard) {
        return "balance#" + shard;
    }

    @Override
    public Balance balance(String accountId) {
        var items = dynamo.query(b -> b.tableName(tables.accounts()).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(accountId), ":prefix", s("balance#")))).items();
        long available = 0;
        long held = 0;
        for (var item : items) {
            available = Math.addExact(available, Attr.num(item, "balance"));
            held = Math.addExact(held, Attr.num(item, "held"));
        }
        return new Balance(available, held);
    }

    @Override
    public TopUpResult topUp(String accountId, long amount, String reference, String actor) {
        if (amount <= 0) {
            throw TollgateException.validation("/credits", "credits must be greater than zero");
        }
        return credit(accountId, LedgerEntry.Type.TOPUP, amount, reference, null, actor);
    }

    @Override
    public TopUpResult adjust(String accountId, long signedAmount, String reason, String reference, String actor) {
        if (signedAmount == 0) {
            throw TollgateException.validation("/credits", "credits must not be zero");
        }
        return credit(accountId, LedgerEntry.Type.ADJUSTMENT, signedAmount, reference, reason, actor);
    }

    private TopUpResult credit(String accountId, LedgerEntry.Type type, long signedAmount, String reference,
                               String reason, String actor) {
        int shard = reference == null ? ThreadLocalRandom.current().nextInt(shards)
                : Math.floorMod(reference.hashCode(), shards);
        String entryId = Ids.newId("led", clock.instant());
        Instant now = clock.instant();
        List<TransactWriteItem> extras = new ArrayList<>();
        if (reference != null) {
            Map<String, AttributeValue> ref = new HashMap<>();
            ref.put("pk", s(accountId));
            ref.put("sk", s(referenceKey(type, reference)));
            ref.put("ledger_entry_id", s(entryId));
            ref.put("amount", n(signedAmount));
            ref.put("created_at", Attr.time(now));
            extras.add(TransactWriteItem.builder().put(Put.builder().tableName(tables.accounts()).item(ref)
                    .conditionExpression("attribute_not_exists(pk)").build()).build());
        }
        try {
            ShardState after = apply(accountId, shard, signedAmount, 0, state -> entry(accountId, entryId, type,
                    Math.abs(signedAmount), signedAmount, state.balance(), shard, null, null, reference, reason, actor, now), extras);
            return new TopUpResult(entryId, signedAmount, totalAfter(accountId, shard, after), false);
        } catch (ExtraConditionFailed duplicateReference) {
            return replay(accountId, type, reference, signedAmount);
        } catch (ShardInsufficient e) {
            throw insufficient(-signedAmount, balance(accountId).available());
        }
    }

    private TopUpResult replay(String accountId, LedgerEntry.Type type, String reference, long signedAmount) {
        var item = dynamo.getItem(b -> b.tableName(tables.accounts()).consistentRead(true)
                .key(Map.of("pk", s(accountId), "sk", s(referenceKey(type, reference))))).item();
        long firstAmount = Attr.num(item, "amount");
        if (firstAmount != signedAmount) {
            throw new TollgateException(ErrorCode.CONFLICT,
                    "Reference '" + reference + "' was already used for a different amount ("
                            + Credits.toCredits(firstAmount).toPlainString() + " credits)",
                    Map.of("reference", reference));
        }
        return new TopUpResult(Attr.str(item, "ledger_entry_id"), firstAmount, balance(accountId).available(), true);
    }

    private static String referenceKey(LedgerEntry.Type type, String reference) {
        return "ref#" + type.wire() + "#" + reference;
    }

    @Override
    public Hold reserve(String accountId, long amount, String requestId, Duration ttl, List<AtomicWrite> with) {
        if (amount <= 0) {
            throw new IllegalArgumentException("hold amount must be positive");
        }
        Instant now = clock.instant();
        String holdId = Ids.newId("hold", now);
        Instant expiresAt = now.plus(ttl);
        int first = ThreadLocalRandom.current().nextInt(shards);
        for (int i = 0; i < shards; i++) {
            int shard = (first + i) % shards;
            Map<String, AttributeValue> hold = new HashMap<>();
            hold.put("hold_id", s(holdId));
            hold.put("account_id", s(accountId));
            hold.put("amount", n(amount));
            hold.put("shard", n(shard));
            hold.put("status", s(Hold.Status.OPEN.wire()));
            hold.put("open_shard", s(openBucket(holdId)));
            hold.put("expires_at", n(expiresAt.getEpochSecond()));
            hold.put("created_at", Attr.time(now));
            hold.put("request_id", s(requestId));
            hold.put("ttl", n(now.plus(Duration.ofDays(90)).getEpochSecond()));
            var putHold = TransactWriteItem.builder().put(Put.builder().tableName(tables.holds()).item(hold)
                    .conditionExpression("attribute_not_exists(hold_id)").build()).build();
            String entryId = Ids.newId("led", now);
            try {
                apply(accountId, shard, -amount, amount, state -> entry(accountId, entryId, LedgerEntry.Type.HOLD,
                        amount, -amount, state.balance(), shard, holdId, requestId, null, null, "system", now),
                        withCompanions(putHold, with));
                return new Hold(holdId, accountId, amount, shard, Hold.Status.OPEN, requestId, now, expiresAt);
            } catch (ShardInsufficient e) {
                // try the next shard; with one shard this is the final answer
            } catch (ExtraConditionFailed e) {
                if (e.index == 0) {
                    throw new IllegalStateException("hold id collision: " + holdId);
                }
                throw new CompanionConditionFailed(e.index - 1);
            }
        }
        throw insufficient(amount, balance(accountId).available());
    }

    static String openBucket(String holdId) {
        return "open#" + Math.floorMod(holdId.hashCode(), OPEN_HOLD_BUCKETS);
    }

    @Override
    public Settlement capture(Hold hold, long actual, Function<Settlement, List<AtomicWrite>> with) {
        if (actual < 0 || actual > hold.amount()) {
            throw new IllegalArgumentException("capture amount must be between 0 and the hold amount");
        }
        Instant now = clock.instant();
        String entryId = Ids.newId("led", now);
        long refund = hold.amount() - actual;
        long otherShards = shards == 1 ? 0 : otherShardsBalance(hold.accountId(), hold.shard());
        Settlement[] written = new Settlement[1];
        try {
            apply(hold.accountId(), hold.shard(), refund, -hold.amount(), state -> {
                LedgerEntry entry = new LedgerEntry(entryId, hold.accountId(), LedgerEntry.Type.CAPTURE, actual, refund,
                        state.balance(), hold.shard(), hold.holdId(), hold.requestId(), null, null, "system", now);
                written[0] = new Settlement(entry, Math.addExact(otherShards, state.balance()));
                return entry;
            }, entry -> withCompanions(closeHold(hold, Hold.Status.CAPTURED, actual, now), with.apply(written[0])));
            return written[0];
        } catch (ExtraConditionFailed e) {
            if (e.index == 0) {
                throw new HoldClosedException(hold.holdId());
            }
            throw new CompanionConditionFailed(e.index - 1);
        }
    }

    private long otherShardsBalance(String accountId, int shard) {
        var items = dynamo.query(b -> b.tableName(tables.accounts()).consistentRead(true)
                .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", s(accountId), ":prefix", s("balance#")))).items();
        long sum = 0;
        for (var item : items) {
            if (!shardKey(shard).equals(Attr.str(item, "sk"))) {
                sum = Math.addExact(sum, Attr.num(item, "balance"));
            }
        }
        return sum;
    }

    @Override
    public boolean release(Hold hold, String reason, List<AtomicWrite> with) {
        Instant now = clock.instant();
        String entryId = Ids.newId("led", now);
        try {
            apply(hold.accountId(), hold.shard(), hold.amount(), -hold.amount(), state -> entry(hold.accountId(), entryId,
                    LedgerEntry.Type.RELEASE, hold.amount(), hold.amount(), state.balance(), hold.shard(), hold.holdId(),
                    hold.requestId(), null, reason, "system", now),
                    withCompanions(closeHold(hold, Hold.Status.RELEASED, 0, now), with));
            return true;
        } catch (ExtraConditionFailed e) {
            if (e.index == 0) {
                return false;
            }
            throw new CompanionConditionFailed(e.index - 1);
        }
    }

    private static List<TransactWriteItem> withCompanions(TransactWriteItem first, List<AtomicWrite> with) {
        List<TransactWriteItem> all = new ArrayList<>(1 + with.size());
        all.add(first);
        all.addAll(DynamoWrite.items(with));
        return all;
    }

    @Override
    public List<Hold> expiredOpenHolds(Instant now, int limit) {
        List<Hold> out = new ArrayList<>();
        for (int bucket = 0; bucket < OPEN_HOLD_BUCKETS && out.size() < limit; bucket++) {
            String partition = "open#" + bucket;
            Map<String, AttributeValue> start = null;
            do {
                Map<String, AttributeValue> from = start;
                int want = limit - out.size();
                var page = dynamo.query(b -> b.tableName(tables.holds()).indexName(OPEN_BY_EXPIRY)
                        .keyConditionExpression("open_shard = :b AND expires_at < :now")
                        .expressionAttributeValues(Map.of(":b", s(partition), ":now", n(now.getEpochSecond())))
                        .limit(want)
                        .exclusiveStartKey(from));
                page.items().stream().map(DynamoCreditLedger::readHold).forEach(out::add);
                start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
            } while (start != null && out.size() < limit);
        }
        return out;
    }

    private static Hold readHold(Map<String, AttributeValue> item) {
        return new Hold(Attr.str(item, "hold_id"), Attr.str(item, "account_id"), Attr.num(item, "amount"),
                (int) Attr.num(item, "shard"), Hold.Status.valueOf(Attr.str(item, "status").toUpperCase(Locale.ROOT)),
                Attr.str(item, "request_id"), Attr.instant(item, "created_at"),
                Instant.ofEpochSecond(Attr.num(item, "expires_at")));
    }

    private TransactWriteItem closeHold(Hold hold, Hold.Status to, long captured, Instant now) {
        return TransactWriteItem.builder().update(Update.builder().tableName(tables.holds())
                .key(Map.of("hold_id", s(hold.holdId())))
                .updateExpression("SET #st = :to, captured_amount = :cap, closed_at = :now REMOVE open_shard")
                .conditionExpression("#st = :open")
                .expressionAttributeNames(Map.of("#st", "status"))
                .expressionAttributeValues(Map.of(":to", s(to.wire()), ":cap", n(captured),
                        ":now", Attr.time(now), ":open", s(Hold.Status.OPEN.wire())))
                .build()).build();
    }

    @Override
    public Page<LedgerEntry> entries(String accountId, String cursor, int limit) {
        Map<String, AttributeValue> start = cursor == null ? null
                : Map.of("account_id", s(accountId), "entry_id", s(IdCursors.decode(cursor, "led")));
        var response = dynamo.query(b -> b.tableName(tables.ledger())
                .keyConditionExpression("account_id = :a")
                .expressionAttributeValues(Map.of(":a", s(accountId)))
                .scanIndexForward(false)
                .limit(limit)
                .exclusiveStartKey(start));
        List<LedgerEntry> items = response.items().stream().map(DynamoCreditLedger::readEntry).toList();
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? IdCursors.encode(Attr.str(response.lastEvaluatedKey(), "entry_id")) : null;
        return new Page<>(items, next);
    }

    /**
     * Applies a balance/held change to one shard together with its ledger entry and extra writes, retrying on lost
     * races. Throws {@link ShardInsufficient} if the balance would go negative, {@link ExtraConditionFailed} when an
     * extra item's own condition fails (a business outcome the caller maps).
     */
    private ShardState apply(String accountId, int shard, long balanceDelta, long heldDelta,
                             Function<ShardState, LedgerEntry> entryFor, List<TransactWriteItem> extras) {
        return apply(accountId, shard, balanceDelta, heldDelta, entryFor, entry -> extras);
    }

    private ShardState apply(String accountId, int shard, long balanceDelta, long heldDelta,
                             Function<ShardState, LedgerEntry> entryFor,
                             Function<LedgerEntry, List<TransactWriteItem>> extrasFor) {
        String hintKey = accountId + "#" + shard;
        ShardState state = hints.get(hintKey);
        if (state == null) {
            state = readShard(accountId, shard);
        }
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            long newBalance = Math.addExact(state.balance(), balanceDelta);
            long newHeld = Math.addExact(state.held(), heldDelta);
            if (newBalance < 0) {
                // Could be a stale hint: confirm against the stored state before refusing.
                ShardState fresh = readShard(accountId, shard);
                if (fresh.version() != state.version()) {
                    state = fresh;
                    continue;
                }
                throw new ShardInsufficient(state.balance());
            }
            ShardState next = new ShardState(newBalance, newHeld, state.version() + 1);
            LedgerEntry entry = entryFor.apply(next);
            List<TransactWriteItem> extras = extrasFor.apply(entry);
            List<TransactWriteItem> writes = new ArrayList<>(extras.size() + 2);
            writes.add(TransactWriteItem.builder().update(Update.builder().tableName(tables.accounts())
                    .key(Map.of("pk", s(accountId), "sk", s(shardKey(shard))))
                    .updateExpression("SET balance = :b, held = :h, version = :v1")
                    .conditionExpression("version = :v0")
                    .expressionAttributeValues(Map.of(":b", n(next.balance()), ":h", n(next.held()),
                            ":v1", n(next.version()), ":v0", n(state.version())))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build()).build());
            writes.add(putEntry(entry));
            writes.addAll(extras);
            try {
                dynamo.transactWriteItems(b -> b.transactItems(writes));
                hints.put(hintKey, next);
                return next;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                for (int i = 2; i < reasons.size(); i++) {
                    if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                        throw new ExtraConditionFailed(i - 2);
                    }
                }
                CancellationReason shardReason = reasons.isEmpty() ? null : reasons.get(0);
                if (shardReason != null && "ConditionalCheckFailed".equals(shardReason.code())) {
                    state = shardReason.hasItem() && !shardReason.item().isEmpty()
                            ? readState(shardReason.item()) : readShard(accountId, shard);
                    if (state == null) {
                        throw TollgateException.notFound("Account");
                    }
                    if (attempt > 1) {
                        // Repeated losses mean several writers on this shard: jitter so they stop colliding in step.
                        backoff(attempt);
                    }
                } else {
                    // TransactionConflict or throttling: back off a little and re-read.
                    backoff(attempt);
                    state = readShard(accountId, shard);
                }
            }
        }
        LOG.warn("ledger contention: giving up", "account_id", accountId, "shard", shard);
        throw new TollgateException(ErrorCode.CONFLICT, "The account is busy; retry the request");
    }

    /** Full-jitter exponential backoff, 1 ms up to 32 ms: contenders spread out instead of colliding in step. */
    private static void backoff(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 2 + (1L << Math.min(attempt, 5))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TollgateException(ErrorCode.INTERNAL_ERROR, "interrupted");
        }
    }

    private ShardState readShard(String accountId, int shard) {
        var item = dynamo.getItem(b -> b.tableName(tables.accounts()).consistentRead(true)
                .key(Map.of("pk", s(accountId), "sk", s(shardKey(shard))))).item();
        ShardState state = item == null || item.isEmpty() ? null : readState(item);
        if (state == null) {
            throw TollgateException.notFound("Account");
        }
        return state;
    }

    private static ShardState readState(Map<String, AttributeValue> item) {
        return new ShardState(Attr.num(item, "balance"), Attr.num(item, "held"), Attr.num(item, "version"));
    }

    private long totalAfter(String accountId, int shard, ShardState after) {
        return shards == 1 ? after.balance() : balance(accountId).available();
    }

    private TransactWriteItem putEntry(LedgerEntry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("account_id", s(e.accountId()));
        item.put("entry_id", s(e.entryId()));
        item.put("type", s(e.type().wire()));
        item.put("amount", n(e.amount()));
        item.put("balance_change", n(e.balanceChange()));
        item.put("balance_after", n(e.balanceAfter()));
        item.put("shard", n(e.shard()));
        item.put("created_at", Attr.time(e.createdAt()));
        item.put("actor", s(e.actor()));
        if (e.holdId() != null) {
            item.put("hold_id", s(e.holdId()));
        }
        if (e.requestId() != null) {
            item.put("request_id", s(e.requestId()));
        }
        if (e.reference() != null) {
            item.put("reference", s(e.reference()));
        }
        if (e.reason() != null) {
            item.put("reason", s(e.reason()));
        }
        return TransactWriteItem.builder().put(Put.builder().tableName(tables.ledger()).item(item)
                .conditionExpression("attribute_not_exists(entry_id)").build()).build();
    }

    private static LedgerEntry entry(String accountId, String entryId, LedgerEntry.Type type, long amount, long change,
                                     long balanceAfter, int shard, String holdId, String requestId, String reference,
                                     String reason, String actor, Instant at) {
        return new LedgerEntry(entryId, accountId, type, amount, change, balanceAfter, shard, holdId, requestId,
                reference, reason, actor, at);
    }

    private static LedgerEntry readEntry(Map<String, AttributeValue> item) {
        return new LedgerEntry(Attr.str(item, "entry_id"), Attr.str(item, "account_id"),
                LedgerEntry.Type.valueOf(Attr.str(item, "type").toUpperCase(Locale.ROOT)),
                Attr.num(item, "amount"), Attr.num(item, "balance_change"), Attr.num(item, "balance_after"),
                (int) Attr.num(item, "shard"), Attr.str(item, "hold_id"), Attr.str(item, "request_id"),
                Attr.str(item, "reference"), Attr.str(item, "reason"), Attr.str(item, "actor"),
                Attr.instant(item, "created_at"));
    }

    static TollgateException insufficient(long required, long available) {
        return new TollgateException(ErrorCode.INSUFFICIENT_CREDITS,
                "Not enough credits: this needs " + Credits.toCredits(required).toPlainString()
                        + " and " + Credits.toCredits(available).toPlainString() + " are available",
                Map.of("required", Credits.toCredits(required), "available", Credits.toCredits(available)));
    }
}
