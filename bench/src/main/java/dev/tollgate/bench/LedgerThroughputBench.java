package dev.tollgate.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.tollgate.app.Services;
import dev.tollgate.billing.Balance;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.Hold;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Debits per second on ONE hot account against DynamoDB Local, beside what DynamoDB Local itself sustains for
 * conditional single-item transactions in the same run.
 *
 * <p>A debit is a hold + capture (the two ledger transactions of a credits-mode call), made by {@code threads}
 * concurrent callers, for 1, 4 and 8 balance shards. The reference is the same number of callers sending
 * {@code TransactWriteItems} with one conditional update of one item (the shard update of a reserve, alone) through
 * the product's own DynamoDB client: the fastest a one-item ledger could go on this DynamoDB Local. A debit is two
 * transactions, so a round's ratio = debits/s ÷ (reference/s ÷ 2) of that round; the row reports their median. The
 * same reference spread over as many items as the most shards shows whether DynamoDB Local itself goes faster with
 * more items (it does not: it serialises every write).
 *
 * <p>DynamoDB Local and the JIT warm up for tens of seconds and the machine is shared (its load moves within seconds),
 * so the run warms up first, then measures every configuration in many short rounds, interleaved (the order rotates
 * each round), and reports medians. Bounded: every caller makes {@code perThread} debits (or 2 × {@code perThread} reference transactions).
 *
 * <p>A debit passes the ledger the balance its caller read before, as the execute path does (the batched read that
 * authenticates a request loads it), so the capture answers {@code credits_remaining} without a read of its own.
 */
public final class LedgerThroughputBench {
    private static final long DEBIT = 10_000L;
    private static final int[] SHARD_COUNTS = {1, 4, 8};
    private static final String REFERENCE = "reference";
    private static final String REFERENCE_SPREAD = "reference-spread";
    private static final String SAME_ITEMS = "same-items";
    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    /** What a request's read on entry would have found: the bench's accounts never run low. */
    private static final Balance SEEN_ON_ENTRY = new Balance(1_000_000_000_000L, 0);

    private final BenchEnvironment env;
    private final ExecutorService pool;
    private final int threads;

    private LedgerThroughputBench(BenchEnvironment env, ExecutorService pool, int threads) {
        this.env = env;
        this.pool = pool;
        this.threads = threads;
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        Log.setLevel(Log.Level.WARN);
        double loadBefore = BenchReport.loadAverage();
        Map<String, List<Measurement>> byConfig = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (BenchEnvironment env = new BenchEnvironment()) {
            LedgerThroughputBench bench = new LedgerThroughputBench(env, pool, threads);
            Map<String, Callable<Measurement>> configs = new LinkedHashMap<>();
            DynamoDbClient dynamo = null;
            for (int shards : SHARD_COUNTS) {
                Services services = env.services(Map.of("TOLLGATE_BALANCE_SHARDS", Integer.toString(shards)));
                String account = fundedAccount(services, shards);
                configs.put(Integer.toString(shards), () -> bench.debits(services.ledger(), account, perThread));
                dynamo = dynamo == null ? services.dynamo() : dynamo;
            }
            DynamoDbClient client = dynamo;
            ReferenceItems one = ReferenceItems.create(client, env.env.get("ACCOUNTS_TABLE"), 1);
            configs.put(REFERENCE, () -> bench.referenceTransactions(client, one, 2 * perThread));
            // The same spread over as many items as the most shards: whether DynamoDB Local itself scales with items.
            int most = SHARD_COUNTS[SHARD_COUNTS.length - 1];
            ReferenceItems spread = ReferenceItems.create(client, env.env.get("ACCOUNTS_TABLE"), most);
            configs.put(REFERENCE_SPREAD, () -> bench.referenceTransactions(client, spread, 2 * perThread));
            configs.put(SAME_ITEMS, () -> bench.sameItemDebits(client, one, perThread));

            System.out.println("warming up (not recorded)");
            for (int pass = 0; pass < 3; pass++) {
                for (Callable<Measurement> config : configs.values()) {
                    config.call();
                }
            }
            List<String> names = new ArrayList<>(configs.keySet());
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < names.size(); i++) {
                    String name = names.get((round + i) % names.size());
                    Measurement m = configs.get(name).call();
                    byConfig.computeIfAbsent(name, k -> new ArrayList<>()).add(m);
                    System.out.printf("round %d  %-16s %8.0f/s  attempts/op %.2f  give-ups %d%n", round + 1, name,
                            m.perSecond(), m.attemptsPerOperation(), m.gaveUp());
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        write(byConfig, threads, perThread, rounds, loadBefore);
    }

    /** One measured batch: operations completed, operations given up, seconds, transaction attempts, AWS calls. */
    private record Measurement(long done, long gaveUp, Map<String, Long> gaveUpBy, double seconds, double cpuSeconds,
                               long transactAttempts, Map<String, Long> awsCalls) {
        double perSecond() {
            return done / seconds;
        }

        /** Process CPU (callers and DynamoDB Local together) per operation: what other processes' load cannot move. */
        double cpuMillisPerOperation() {
            return 1000 * cpuSeconds / Math.max(1, done);
        }

        double attemptsPerOperation() {
            return (double) transactAttempts / Math.max(1, done);
        }
    }

    private static String fundedAccount(Services services, int shards) {
        Account account = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "hot", "bench");
        for (int s = 0; s < shards * 4; s++) {
            // Top-ups land on the shard their reference hashes to: several spread the funds over every shard.
            services.accountService().topUp(account.id(), 1_000_000_000_000L, "bench-" + s, "bench");
        }
        return account.id();
    }

    /** Items shaped like balance shards, in the same table, for the reference transactions. */
    private record ReferenceItems(String table, List<Map<String, AttributeValue>> keys) {
        static ReferenceItems create(DynamoDbClient dynamo, String table, int count) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("bench_reference_" + count),
                        "sk", AttributeValue.fromS("balance#" + i));
                Map<String, AttributeValue> item = new LinkedHashMap<>(key);
                item.put("balance", AttributeValue.fromN(Long.toString(Long.MAX_VALUE / 2)));
                item.put("held", AttributeValue.fromN("0"));
                dynamo.putItem(b -> b.tableName(table).item(item));
                keys.add(key);
            }
            return new ReferenceItems(table, keys);
        }

        Map<String, AttributeValue> any() {
            return keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
        }
    }

    private Measurement debits(CreditLedger ledger, String account, int perThread) throws Exception {
        return measure(perThread, () -> {
            Hold hold = ledger.reserveUpTo(account, DEBIT, DEBIT, "req_bench", Duration.ofMinutes(5), List.of(),
                    SEEN_ON_ENTRY);
            ledger.capture(hold, DEBIT);
        });
    }

    /** One conditional update of one item per transaction: the reserve's shard update without the rest of it. */
    private Measurement referenceTransactions(DynamoDbClient dynamo, ReferenceItems items, int perThread)
            throws Exception {
        Map<String, AttributeValue> values = Map.of(":debit", AttributeValue.fromN(Long.toString(-DEBIT)),
                ":amount", AttributeValue.fromN(Long.toString(DEBIT)));
        return measure(perThread, () -> dynamo.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder()
                .update(u -> u.tableName(items.table()).key(items.any())
                        .updateExpression("ADD balance :debit, held :amount")
                        .conditionExpression("balance >= :amount")
                        .expressionAttributeValues(values)).build())));
    }

    /**
     * The items a debit writes, written directly in the same two transactions: the shard (debited, then refunded), a
     * ledger entry each time, the hold (put into the open-holds index, then closed out of it). No ledger code runs, so
     * this is the most any ledger storing these items could do; the gap to the single-item reference is DynamoDB
     * Local's cost per item, the gap from here to the debits is the ledger's own.
     */
    private Measurement sameItemDebits(DynamoDbClient dynamo, ReferenceItems shard, int perThread) throws Exception {
        String ledger = env.env.get("LEDGER_TABLE");
        String holds = env.env.get("HOLDS_TABLE");
        Map<String, AttributeValue> debit = Map.of(":change", AttributeValue.fromN(Long.toString(-DEBIT)),
                ":held", AttributeValue.fromN(Long.toString(DEBIT)), ":debit", AttributeValue.fromN(Long.toString(DEBIT)));
        Map<String, AttributeValue> close = Map.of(":change", AttributeValue.fromN("0"),
                ":held", AttributeValue.fromN(Long.toString(-DEBIT)));
        return measure(perThread, () -> {
            Instant now = Instant.now();
            String holdId = Ids.newId("hold", now);
            Map<String, AttributeValue> hold = new LinkedHashMap<>(Map.of("hold_id", AttributeValue.fromS(holdId),
                    "account_id", AttributeValue.fromS("bench_reference_1"), "amount", number(DEBIT),
                    "shard", number(0), "status", AttributeValue.fromS("open"),
                    "open_shard", AttributeValue.fromS("open#" + Math.floorMod(holdId.hashCode(), 8)),
                    "expires_at", number(now.plusSeconds(300).getEpochSecond()),
                    "created_at", AttributeValue.fromS(now.toString()), "request_id", AttributeValue.fromS("req_bench")));
            hold.put("ttl", number(now.plusSeconds(90 * 86_400).getEpochSecond()));
            dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(shard.table()).key(shard.any())
                            .updateExpression("ADD balance :change, held :held").conditionExpression("balance >= :debit")
                            .expressionAttributeValues(debit)).build(),
                    TransactWriteItem.builder().put(e -> e.tableName(ledger).item(entry("hold", holdId, now))
                            .conditionExpression("attribute_not_exists(entry_id)")).build(),
                    TransactWriteItem.builder().put(h -> h.tableName(holds).item(hold)).build()));
            dynamo.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(shard.table()).key(shard.any())
                            .updateExpression("ADD balance :change, held :held").expressionAttributeValues(close)).build(),
                    TransactWriteItem.builder().put(e -> e.tableName(ledger).item(entry("capture", holdId, now))
                            .conditionExpression("attribute_not_exists(entry_id)")).build(),
                    TransactWriteItem.builder().update(u -> u.tableName(holds)
                            .key(Map.of("hold_id", AttributeValue.fromS(holdId)))
                            .updateExpression("SET #st = :to, captured_amount = :cap, closed_at = :now REMOVE open_shard")
                            .conditionExpression("#st = :open").expressionAttributeNames(Map.of("#st", "status"))
                            .expressionAttributeValues(Map.of(":to", AttributeValue.fromS("captured"),
                                    ":cap", number(DEBIT), ":now", AttributeValue.fromS(now.toString()),
                                    ":open", AttributeValue.fromS("open")))).build()));
        });
    }

    private static Map<String, AttributeValue> entry(String type, String holdId, Instant now) {
        return Map.of("account_id", AttributeValue.fromS("bench_reference_1"),
                "entry_id", AttributeValue.fromS(Ids.newId("led", now)), "type", AttributeValue.fromS(type),
                "amount", number(DEBIT), "balance_change", number(-DEBIT), "shard", number(0),
                "created_at", AttributeValue.fromS(now.toString()), "actor", AttributeValue.fromS("system"),
                "hold_id", AttributeValue.fromS(holdId), "request_id", AttributeValue.fromS("req_bench"));
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** Runs {@code operation} {@code perThread} times on every thread at once; a failed operation is a give-up. */
    private Measurement measure(int perThread, Runnable operation) throws Exception {
        env.meter.reset();
        Map<String, AtomicLong> gaveUpBy = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Long>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                long done = 0;
                for (int i = 0; i < perThread; i++) {
                    try {
                        operation.run();
                        done++;
                    } catch (TollgateException e) {
                        gaveUpBy.computeIfAbsent(e.code().code(), k -> new AtomicLong()).incrementAndGet();
                    } catch (RuntimeException e) {
                        gaveUpBy.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                    }
                }
                return done;
            }));
        }
        long started = System.nanoTime();
        long cpuBefore = PROCESS.getProcessCpuTime();
        start.countDown();
        long done = 0;
        for (Future<Long> f : futures) {
            done += f.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = (PROCESS.getProcessCpuTime() - cpuBefore) / 1e9;
        Map<String, Long> calls = env.meter.snapshot();
        Map<String, Long> gaveUp = new TreeMap<>();
        gaveUpBy.forEach((k, v) -> gaveUp.put(k, v.get()));
        return new Measurement(done, gaveUp.values().stream().mapToLong(Long::longValue).sum(), gaveUp, seconds,
                cpuSeconds, calls.getOrDefault("DynamoDb:TransactWriteItems", 0L), calls);
    }

    private static void write(Map<String, List<Measurement>> byConfig, int threads, int perThread, int rounds,
                              double loadBefore) throws Exception {
        List<Measurement> reference = byConfig.get(REFERENCE);
        double referenceRate = median(reference.stream().mapToDouble(Measurement::perSecond).toArray());
        double referenceCpu = median(reference.stream().mapToDouble(Measurement::cpuMillisPerOperation).toArray());
        List<Measurement> sameItems = byConfig.get(SAME_ITEMS);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int shards : SHARD_COUNTS) {
            List<Measurement> runs = byConfig.get(Integer.toString(shards));
            double rate = median(runs.stream().mapToDouble(Measurement::perSecond).toArray());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("shards", shards);
            row.put("threads", threads);
            row.put("debits_per_second", Math.round(rate));
            row.put("debits_per_second_by_round", runs.stream().map(m -> Math.round(m.perSecond())).toList());
            // Each round's debits against the same round's reference: the machine's load drifts between rounds.
            double[] ratios = new double[runs.size()];
            for (int round = 0; round < runs.size(); round++) {
                ratios[round] = runs.get(round).perSecond() / (reference.get(round).perSecond() / 2);
            }
            row.put("ratio_to_dynamodb_local", round2(median(ratios)));
            row.put("ratio_by_round", Arrays.stream(ratios).map(LedgerThroughputBench::round2).boxed().toList());
            double[] shares = new double[runs.size()];
            for (int round = 0; round < runs.size(); round++) {
                shares[round] = runs.get(round).perSecond() / sameItems.get(round).perSecond();
            }
            row.put("share_of_same_items", round2(median(shares)));
            double cpuPerDebit = median(runs.stream().mapToDouble(Measurement::cpuMillisPerOperation).toArray());
            row.put("cpu_ms_per_debit", round2(cpuPerDebit));
            row.put("cpu_ratio_to_dynamodb_local", round2(2 * referenceCpu / cpuPerDebit));
            row.put("transact_attempts_per_debit",
                    round2(median(runs.stream().mapToDouble(Measurement::attemptsPerOperation).toArray())));
            row.put("debits", runs.stream().mapToLong(Measurement::done).sum());
            row.put("give_ups", runs.stream().mapToLong(Measurement::gaveUp).sum());
            Map<String, Long> gaveUpBy = new TreeMap<>();
            runs.forEach(m -> m.gaveUpBy().forEach((k, v) -> gaveUpBy.merge(k, v, Long::sum)));
            row.put("give_ups_by_error", gaveUpBy);
            row.put("aws_calls_last_round", runs.get(runs.size() - 1).awsCalls());
            rows.add(row);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("threads", threads);
        summary.put("debits_per_thread_per_round", perThread);
        summary.put("rounds", rounds);
        summary.put("load_average_before", round2(loadBefore));
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("what", "TransactWriteItems with one conditional ADD on one item, same client, threads and run");
        ref.put("transactions_per_second", Math.round(referenceRate));
        ref.put("transactions_per_second_by_round", reference.stream().map(m -> Math.round(m.perSecond())).toList());
        ref.put("debits_per_second_equivalent", Math.round(referenceRate / 2));
        ref.put("cpu_ms_per_transaction", round2(referenceCpu));
        ref.put("give_ups", reference.stream().mapToLong(Measurement::gaveUp).sum());
        List<Measurement> spread = byConfig.get(REFERENCE_SPREAD);
        ref.put("spread_over_items", SHARD_COUNTS[SHARD_COUNTS.length - 1]);
        ref.put("spread_transactions_per_second",
                Math.round(median(spread.stream().mapToDouble(Measurement::perSecond).toArray())));
        ref.put("spread_give_ups", spread.stream().mapToLong(Measurement::gaveUp).sum());
        summary.put("dynamodb_local_single_item_transactions", ref);
        double[] ceiling = new double[sameItems.size()];
        for (int round = 0; round < sameItems.size(); round++) {
            ceiling[round] = sameItems.get(round).perSecond() / (reference.get(round).perSecond() / 2);
        }
        Map<String, Object> same = new LinkedHashMap<>();
        same.put("what", "a debit's six items (shard twice, two ledger entries, the hold put and closed) written "
                + "directly in the same two transactions, without the ledger: the most this data model allows");
        same.put("debits_per_second", Math.round(median(sameItems.stream().mapToDouble(Measurement::perSecond)
                .toArray())));
        same.put("ratio_to_dynamodb_local", round2(median(ceiling)));
        same.put("give_ups", sameItems.stream().mapToLong(Measurement::gaveUp).sum());
        summary.put("same_items_without_the_ledger", same);
        BenchReport.write("ledger-throughput", summary, rows);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
