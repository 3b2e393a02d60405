package dev.tollgate.bench;

import dev.tollgate.app.Services;
import dev.tollgate.billing.Balance;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.Hold;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import java.time.Duration;
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
 * transactions, so a round's ratio = debits/s ÷ (reference/s ÷ 2) of that round; the row reports their median.
 *
 * <p>DynamoDB Local and the JIT warm up for tens of seconds and the machine is shared, so the run warms up first, then
 * measures every configuration {@code rounds} times, interleaved (the order rotates each round), and reports the
 * median. Bounded: every caller makes {@code perThread} debits (or 2 × {@code perThread} reference transactions).
 *
 * <p>A debit passes the ledger the balance its caller read before, as the execute path does (the batched read that
 * authenticates a request loads it), so the capture answers {@code credits_remaining} without a read of its own.
 */
public final class LedgerThroughputBench {
    private static final long DEBIT = 10_000L;
    private static final int[] SHARD_COUNTS = {1, 4, 8};
    private static final String REFERENCE = "reference";
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
        int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
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
            ReferenceItem item = ReferenceItem.create(client, env.env.get("ACCOUNTS_TABLE"));
            configs.put(REFERENCE, () -> bench.referenceTransactions(client, item, 2 * perThread));

            System.out.println("warming up (not recorded)");
            for (int pass = 0; pass < 2; pass++) {
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
                    System.out.printf("round %d  %-9s %8.0f/s  attempts/op %.2f  give-ups %d%n", round + 1, name,
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
    private record Measurement(long done, long gaveUp, Map<String, Long> gaveUpBy, double seconds,
                               long transactAttempts, Map<String, Long> awsCalls) {
        double perSecond() {
            return done / seconds;
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

    /** An item shaped like a balance shard, in the same table, for the reference transactions. */
    private record ReferenceItem(String table, Map<String, AttributeValue> key) {
        static ReferenceItem create(DynamoDbClient dynamo, String table) {
            Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("bench_reference"),
                    "sk", AttributeValue.fromS("balance#0"));
            Map<String, AttributeValue> item = new LinkedHashMap<>(key);
            item.put("balance", AttributeValue.fromN(Long.toString(Long.MAX_VALUE / 2)));
            item.put("held", AttributeValue.fromN("0"));
            dynamo.putItem(b -> b.tableName(table).item(item));
            return new ReferenceItem(table, key);
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
    private Measurement referenceTransactions(DynamoDbClient dynamo, ReferenceItem item, int perThread) throws Exception {
        TransactWriteItem update = TransactWriteItem.builder().update(u -> u.tableName(item.table()).key(item.key())
                .updateExpression("ADD balance :debit, held :amount")
                .conditionExpression("balance >= :amount")
                .expressionAttributeValues(Map.of(":debit", AttributeValue.fromN(Long.toString(-DEBIT)),
                        ":amount", AttributeValue.fromN(Long.toString(DEBIT))))).build();
        return measure(perThread, () -> dynamo.transactWriteItems(b -> b.transactItems(update)));
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
        start.countDown();
        long done = 0;
        for (Future<Long> f : futures) {
            done += f.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> calls = env.meter.snapshot();
        Map<String, Long> gaveUp = new TreeMap<>();
        gaveUpBy.forEach((k, v) -> gaveUp.put(k, v.get()));
        return new Measurement(done, gaveUp.values().stream().mapToLong(Long::longValue).sum(), gaveUp, seconds,
                calls.getOrDefault("DynamoDb:TransactWriteItems", 0L), calls);
    }

    private static void write(Map<String, List<Measurement>> byConfig, int threads, int perThread, int rounds,
                              double loadBefore) throws Exception {
        List<Measurement> reference = byConfig.get(REFERENCE);
        double referenceRate = median(reference.stream().mapToDouble(Measurement::perSecond).toArray());
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
        ref.put("give_ups", reference.stream().mapToLong(Measurement::gaveUp).sum());
        summary.put("dynamodb_local_single_item_transactions", ref);
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
