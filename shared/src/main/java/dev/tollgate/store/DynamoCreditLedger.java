package dev.tollgate.store;

import static dev.tollgate.store.Attr.n;
import static dev.tollgate.store.Attr.s;

import dev.tollgate.billing.AtomicWrite;
import dev.tollgate.billing.Balance;
import dev.tollgate.billing.CompanionConditionFailed;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.Hold;
import dev.tollgate.billing.HoldClosedException;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.billing.LedgerUnavailableException;
import dev.tollgate.billing.Settlement;
import dev.tollgate.billing.TopUpResult;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import dev.tollgate.paging.Cursors;
import dev.tollgate.paging.Page;
import dev.tollgate.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The credit ledger on DynamoDB.
 *
 * <p>A balance is split into N shard items (pk=account, sk=balance#i; N=1 by default) so that one hot account can be
 * spread over several items without changing the API. Each shard carries {@code balance} and {@code held}. Every
 * change is one {@code TransactWriteItems}: the shard update plus the ledger entry and any other items of the same
 * business step (hold, top-up reference, idempotency and usage records).
 *
 * <p>The shard update is commutative: it {@code ADD}s its signed change and is conditioned on the invariant it could
 * break, never on the state it was computed from: a debit on {@code balance >= :debit}; a capture or release on the
 * hold being {@code open} (the hold item's condition, in the same transaction). Concurrent writers on one shard
 * therefore never invalidate each other: each commits unless the balance really cannot cover it, and the only retries
 * left are DynamoDB's own (a {@code TransactionConflict} while another transaction holds the item, throttling), with
 * jitter. The price is that a writer does not learn the balance its change left (a transaction returns no values), so
 * entries record their exact signed {@code balance_change} but no balance after; the shard's balance is the sum of its
 * entries' changes.
 *
 * <p>A refused condition returns the shard as it was ({@code ALL_OLD}): that is the 402's {@code available}, and what
 * a reserve of "up to" an amount sizes itself to on its next attempt, still under the same condition.
 */
public final class DynamoCreditLedger implements CreditLedger {
    private static final Log LOG = Log.get(DynamoCreditLedger.class);
    /** Attempts per movement; only DynamoDB's own transaction conflicts and throttling cost more than one. */
    private static final int MAX_ATTEMPTS = 100;
    /** Store failures (after the SDK's own retries) tolerated per movement before giving up. */
    private static final int MAX_STORE_FAILURES = 4;
    /** Open holds are spread over this many GSI partitions so the sweeper's index has no single hot key. */
    static final int OPEN_HOLD_BUCKETS = 8;
    /** The sparse GSI of open holds by expiry (template.yaml, HoldsTable). */
    static final String OPEN_BY_EXPIRY = "OpenByExpiry";

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final int shards;
    private final Clock clock;

    /** A shard as stored at one instant: read, or returned by a refused condition. */
    record ShardState(long balance, long held) {
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
        Movement movement = new Movement(signedAmount, 0, new LedgerEntry(entryId, accountId, type,
                Math.abs(signedAmount), signedAmount, shard, null, null, reference, reason, actor, now), extras);
        // The answer is the balance as read before, plus this change: the write itself learns no balance.
        long before = availableBeforeWriting(accountId);
        try {
            apply(accountId, shard, entryId, known -> movement);
            return new TopUpResult(entryId, signedAmount, Math.addExact(before, signedAmount), false);
        } catch (ExtraConditionFailed duplicateReference) {
            return replay(accountId, type, reference, signedAmount);
        } catch (ShardInsufficient e) {
            throw insufficient(-signedAmount, shards == 1 ? e.available : balance(accountId).available(), false);
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
    public Hold reserveUpTo(String accountId, long minAmount, long maxAmount, String requestId, Duration ttl,
                            List<AtomicWrite> with, Balance seenBefore) {
        if (minAmount <= 0 || maxAmount < minAmount) {
            throw new IllegalArgumentException("hold amounts must be positive with min <= max");
        }
        Instant now = clock.instant();
        String holdId = Ids.newId("hold", now);
        Instant expiresAt = now.plus(ttl);
        int first = ThreadLocalRandom.current().nextInt(shards);
        long lastSeen = 0;
        for (int i = 0; i < shards; i++) {
            int shard = (first + i) % shards;
            String entryId = Ids.newId("led", now);
            try {
                // The full amount first; after a refusal, what the refused shard held. Every attempt is conditioned on
                // the balance covering its own amount, so however it was sized it never overdraws.
                LedgerEntry entry = apply(accountId, shard, entryId, known -> {
                    long amount = known == null ? maxAmount : Math.min(maxAmount, known.balance());
                    if (amount < minAmount) {
                        throw new ShardInsufficient(known.balance());
                    }
                    return new Movement(-amount, amount, new LedgerEntry(entryId, accountId, LedgerEntry.Type.HOLD,
                            amount, -amount, shard, holdId, requestId, null, null, "system", now),
                            withCompanions(putHold(holdId, accountId, amount, shard, requestId, now, expiresAt), with));
                });
                long amount = entry.amount();
                Long availableAfter = seenBefore == null || seenBefore.available() < amount ? null
                        : seenBefore.available() - amount;
                return new Hold(holdId, accountId, amount, shard, Hold.Status.OPEN, requestId, now, expiresAt,
                        availableAfter);
            } catch (ShardInsufficient e) {
                // try the next shard; with one shard this is the final answer
                lastSeen = e.available;
            } catch (ExtraConditionFailed e) {
                // The hold item itself has no condition: its random id is new, and a retry is stopped by the entry's.
                throw new CompanionConditionFailed(e.index - 1);
            } catch (LedgerUnavailableException e) {
                if (e.mayHaveApplied()) {
                    releaseUnconfirmedHold(holdId);
                }
                throw e;
            }
        }
        // With one shard its confirmed state is the balance: no second read on the 402 path.
        long available = shards == 1 ? lastSeen : balance(accountId).available();
        throw insufficient(minAmount, available, minAmount < maxAmount);
    }

    /**
     * A reserve whose outcome is unknown may have left a hold (and its companions, e.g. an idempotency claim): release
     * it now if it exists. The release is conditional on the hold being open, so on a hold that was never written it
     * changes nothing; if the store still fails, the sweeper releases the hold when it expires.
     */
    private void releaseUnconfirmedHold(String holdId) {
        try {
            Optional<Hold> written = hold(holdId);
            if (written.isPresent() && written.get().status() == Hold.Status.OPEN) {
                release(written.get(), "unconfirmed", List.of());
            }
        } catch (RuntimeException e) {
            LOG.warn("could not release a hold whose reserve was not confirmed; the sweeper will", "hold_id", holdId,
                    "error", e.getClass().getSimpleName());
        }
    }

    private TransactWriteItem putHold(String holdId, String accountId, long amount, int shard, String requestId,
                                      Instant now, Instant expiresAt) {
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
        return TransactWriteItem.builder().put(Put.builder().tableName(tables.holds()).item(hold).build()).build();
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
        // What the caller saw before its reserve, less this hold; only without it, a read (before the write: a
        // transaction returns no values).
        long availableBefore = hold.availableAfter() != null ? hold.availableAfter()
                : availableBeforeWriting(hold.accountId());
        LedgerEntry captured = new LedgerEntry(entryId, hold.accountId(), LedgerEntry.Type.CAPTURE, actual, refund,
                hold.shard(), hold.holdId(), hold.requestId(), null, null, "system", now);
        Settlement settlement = new Settlement(captured, Math.addExact(availableBefore, refund));
        Movement movement = new Movement(refund, -hold.amount(), captured,
                withCompanions(closeHold(hold, Hold.Status.CAPTURED, actual, now), with.apply(settlement)));
        try {
            return new Settlement(apply(hold.accountId(), hold.shard(), entryId, known -> movement),
                    settlement.availableAfter());
        } catch (ExtraConditionFailed e) {
            if (e.index == 0) {
                throw new HoldClosedException(hold.holdId());
            }
            throw new CompanionConditionFailed(e.index - 1);
        }
    }

    /**
     * The spendable balance, read before a movement that answers with it. Failures are retried like the movement's
     * own; if the store keeps failing, nothing has been written yet, and {@link LedgerUnavailableException#notApplied()}
     * says so.
     */
    private long availableBeforeWriting(String accountId) {
        for (int failures = 1; ; failures++) {
            try {
                return balance(accountId).available();
            } catch (SdkException e) {
                LOG.warn("ledger store call failed", "account_id", accountId, "attempt", failures,
                        "error", e.getClass().getSimpleName(), "may_have_applied", false);
                if (failures > MAX_STORE_FAILURES) {
                    throw LedgerUnavailableException.notApplied();
                }
                Backoff.pause(failures);
            }
        }
    }

    @Override
    public boolean release(Hold hold, String reason, List<AtomicWrite> with) {
        Instant now = clock.instant();
        String entryId = Ids.newId("led", now);
        Movement movement = new Movement(hold.amount(), -hold.amount(), new LedgerEntry(entryId, hold.accountId(),
                LedgerEntry.Type.RELEASE, hold.amount(), hold.amount(), hold.shard(), hold.holdId(), hold.requestId(),
                null, reason, "system", now), withCompanions(closeHold(hold, Hold.Status.RELEASED, 0, now), with));
        try {
            apply(hold.accountId(), hold.shard(), entryId, known -> movement);
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
    public Optional<Hold> hold(String holdId) {
        var item = dynamo.getItem(b -> b.tableName(tables.holds()).consistentRead(true)
                .key(Map.of("hold_id", s(holdId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(readHold(item));
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
                Instant.ofEpochSecond(Attr.num(item, "expires_at")), null);
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
                : Map.of("account_id", s(accountId), "entry_id", s(Cursors.decodeId(cursor, "led")));
        var response = dynamo.query(b -> b.tableName(tables.ledger())
                .keyConditionExpression("account_id = :a")
                .expressionAttributeValues(Map.of(":a", s(accountId)))
                .scanIndexForward(false)
                .limit(limit)
                .exclusiveStartKey(start));
        List<LedgerEntry> items = response.items().stream().map(DynamoCreditLedger::readEntry).toList();
        String next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Cursors.encode(Attr.str(response.lastEvaluatedKey(), "entry_id")) : null;
        return new Page<>(items, next);
    }

    /**
     * A change to one shard: the signed deltas to its balance and held amount, its ledger entry, and the other items
     * of the same business step.
     */
    private record Movement(long balanceDelta, long heldDelta, LedgerEntry entry, List<TransactWriteItem> extras) {
    }

    /**
     * Applies a movement to one shard together with its ledger entry and extra items, and returns the entry as
     * committed. The first attempt is written blind ({@code movementFor} gets {@code null}); a refused shard condition
     * returns the shard as it was, and {@code movementFor} decides again from that state (or throws
     * {@link ShardInsufficient}).
     *
     * <p>DynamoDB's own transaction conflicts and throttling inside a transaction are retried with full-jitter backoff.
     * Throttling is retried a few times and then reported as {@link LedgerUnavailableException#notApplied()}. A
     * failure whose write may have committed (a timeout, a reset connection) is retried with the same entry id: the
     * entry's {@code attribute_not_exists} condition makes a second commit impossible, and finding the entry already
     * there means an earlier attempt committed. If the store keeps failing, the entry is looked up before giving up
     * with {@link LedgerUnavailableException#outcomeUnknown()}.
     *
     * @throws ShardInsufficient    if the balance cannot cover the movement
     * @throws ExtraConditionFailed if an extra item's own condition failed (a business outcome the caller maps)
     */
    private LedgerEntry apply(String accountId, int shard, String entryId, Function<ShardState, Movement> movementFor) {
        boolean mayHaveApplied = false;
        int storeFailures = 0;
        ShardState known = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            boolean sent = false;
            try {
                Movement movement;
                try {
                    movement = movementFor.apply(known);
                    if (known != null && Math.addExact(known.balance(), movement.balanceDelta()) < 0) {
                        throw new ShardInsufficient(known.balance());
                    }
                } catch (ShardInsufficient e) {
                    if (mayHaveApplied) {
                        // The shard may be short because our own earlier attempt took the amount.
                        Optional<LedgerEntry> committed = committedEntry(accountId, entryId);
                        if (committed.isPresent()) {
                            return committed.get();
                        }
                    }
                    throw e;
                }
                List<TransactWriteItem> writes = new ArrayList<>(movement.extras().size() + 2);
                writes.add(shardUpdate(accountId, shard, movement));
                writes.add(putEntry(movement.entry()));
                writes.addAll(movement.extras());
                sent = true;
                dynamo.transactWriteItems(b -> b.transactItems(writes));
                return movement.entry();
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (conditionFailed(reasons, 1)) {
                    // Our own entry is already there: an earlier attempt committed and only its answer was lost.
                    CancellationReason existing = reasons.get(1);
                    return existing.hasItem() && !existing.item().isEmpty() ? readEntry(existing.item())
                            : committedEntry(accountId, entryId).orElseThrow(LedgerUnavailableException::outcomeUnknown);
                }
                for (int i = 2; i < reasons.size(); i++) {
                    if (conditionFailed(reasons, i)) {
                        throw new ExtraConditionFailed(i - 2);
                    }
                }
                if (conditionFailed(reasons, 0)) {
                    // The shard could not take it as it stood: decide again from that state (a real refusal always
                    // returns it; without it, e.g. a missing shard, read it).
                    CancellationReason refused = reasons.get(0);
                    known = refused.hasItem() && !refused.item().isEmpty() ? readState(refused.item())
                            : readShard(accountId, shard);
                } else {
                    // TransactionConflict or throttling inside the transaction: nothing applied; retry after a jitter.
                    Backoff.pause(attempt);
                }
            } catch (SdkException e) {
                boolean throttled = isThrottling(e);
                mayHaveApplied |= sent && !throttled;
                storeFailures++;
                LOG.warn("ledger store call failed", "account_id", accountId, "shard", shard, "attempt", attempt,
                        "error", e.getClass().getSimpleName(), "may_have_applied", mayHaveApplied);
                if (storeFailures > MAX_STORE_FAILURES) {
                    return giveUp(accountId, entryId, mayHaveApplied);
                }
                Backoff.pause(attempt);
            }
        }
        LOG.warn("ledger contention: giving up", "account_id", accountId, "shard", shard);
        if (mayHaveApplied) {
            return giveUp(accountId, entryId, true);
        }
        throw new TollgateException(ErrorCode.CONFLICT, "The account is busy; retry the request");
    }

    /**
     * {@code ADD} of the movement's signed deltas, conditioned only where the shard itself must refuse: a debit on the
     * balance covering it, a credit on the shard existing. Closing a hold (capture, release) needs no condition here:
     * the hold's own {@code status = open} condition in the same transaction lets each hold close once, and its amount
     * is in {@code held} since its reserve. Every condition DynamoDB Local evaluates costs it a parse, so none is
     * spent twice.
     */
    private TransactWriteItem shardUpdate(String accountId, int shard, Movement movement) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":change", n(movement.balanceDelta()));
        String update = "ADD balance :change";
        if (movement.heldDelta() != 0) {
            update += ", held :held";
            values.put(":held", n(movement.heldDelta()));
        }
        Update.Builder shardUpdate = Update.builder().tableName(tables.accounts())
                .key(Map.of("pk", s(accountId), "sk", s(shardKey(shard))))
                .updateExpression(update)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        if (movement.balanceDelta() < 0) {
            shardUpdate.conditionExpression("balance >= :debit");
            values.put(":debit", n(-movement.balanceDelta()));
        } else if (movement.heldDelta() == 0) {
            shardUpdate.conditionExpression("attribute_exists(balance)");
        }
        return TransactWriteItem.builder().update(shardUpdate.expressionAttributeValues(values).build()).build();
    }

    private LedgerEntry giveUp(String accountId, String entryId, boolean mayHaveApplied) {
        if (!mayHaveApplied) {
            throw LedgerUnavailableException.notApplied();
        }
        try {
            return committedEntry(accountId, entryId).orElseThrow(LedgerUnavailableException::outcomeUnknown);
        } catch (SdkException e) {
            throw LedgerUnavailableException.outcomeUnknown();
        }
    }

    private Optional<LedgerEntry> committedEntry(String accountId, String entryId) {
        var item = dynamo.getItem(b -> b.tableName(tables.ledger()).consistentRead(true)
                .key(Map.of("account_id", s(accountId), "entry_id", s(entryId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(readEntry(item));
    }

    private static boolean conditionFailed(List<CancellationReason> reasons, int index) {
        return index < reasons.size() && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    /** Throttling is refused before it applies; anything else after the request was sent may have committed. */
    static boolean isThrottling(SdkException e) {
        return e instanceof ProvisionedThroughputExceededException || e instanceof RequestLimitExceededException
                || e instanceof AwsServiceException service && service.isThrottlingException();
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
        return new ShardState(Attr.num(item, "balance"), Attr.num(item, "held"));
    }

    private TransactWriteItem putEntry(LedgerEntry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("account_id", s(e.accountId()));
        item.put("entry_id", s(e.entryId()));
        item.put("type", s(e.type().wire()));
        item.put("amount", n(e.amount()));
        item.put("balance_change", n(e.balanceChange()));
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
                .conditionExpression("attribute_not_exists(entry_id)")
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build();
    }

    private static LedgerEntry readEntry(Map<String, AttributeValue> item) {
        return new LedgerEntry(Attr.str(item, "entry_id"), Attr.str(item, "account_id"),
                LedgerEntry.Type.valueOf(Attr.str(item, "type").toUpperCase(Locale.ROOT)),
                Attr.num(item, "amount"), Attr.num(item, "balance_change"), (int) Attr.num(item, "shard"), Attr.str(item, "hold_id"), Attr.str(item, "request_id"),
                Attr.str(item, "reference"), Attr.str(item, "reason"), Attr.str(item, "actor"),
                Attr.instant(item, "created_at"));
    }

    static TollgateException insufficient(long required, long available, boolean atLeast) {
        return new TollgateException(ErrorCode.INSUFFICIENT_CREDITS,
                "Not enough credits: this needs " + (atLeast ? "at least " : "")
                        + Credits.toCredits(required).toPlainString() + " and "
                        + Credits.toCredits(available).toPlainString() + " are available",
                Map.of("required", Credits.toCredits(required), "available", Credits.toCredits(available)));
    }
}
