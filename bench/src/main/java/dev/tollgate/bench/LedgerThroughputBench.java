package dev.tollgate.bench;

import dev.tollgate.app.Services;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.Hold;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Debits per second on ONE hot account against DynamoDB Local: each debit is a hold + capture (two ledger
 * transactions, as a credits-mode call makes), with {@code threads} concurrent callers, for 1 and N balance shards.
 * Bounded: every thread makes {@code perThread} debits, then stops.
 */
public final class LedgerThroughputBench {
    private LedgerThroughputBench() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Log.setLevel(Log.Level.WARN);
        List<Map<String, Object>> rows = new ArrayList<>();
        try (BenchEnvironment env = new BenchEnvironment()) {
            for (int shards : new int[] {1, 4, 8}) {
                rows.add(run(env, shards, threads, perThread));
            }
        }
        BenchReport.write("ledger-throughput", rows);
    }

    private static Map<String, Object> run(BenchEnvironment env, int shards, int threads, int perThread) throws Exception {
        Services services = env.services(Map.of("TOLLGATE_BALANCE_SHARDS", Integer.toString(shards)));
        CreditLedger ledger = services.ledger();
        Account account = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "hot", "bench");
        for (int s = 0; s < shards * 4; s++) {
            // Top-ups land on the shard their reference hashes to: several spread the funds over every shard.
            services.accountService().topUp(account.id(), 1_000_000_000_000L, "bench-" + s, "bench");
        }
        env.meter.reset();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                int ok = 0;
                for (int i = 0; i < perThread; i++) {
                    try {
                        Hold hold = ledger.reserve(account.id(), 10_000L, "req_bench", Duration.ofMinutes(5));
                        ledger.capture(hold, 10_000L);
                        ok++;
                    } catch (TollgateException busy) {
                        // counted as a failure below
                    }
                }
                return ok;
            }));
        }
        long started = System.nanoTime();
        start.countDown();
        int succeeded = 0;
        for (Future<Integer> f : futures) {
            succeeded += f.get();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        long transactions = env.meter.snapshot().getOrDefault("DynamoDb:TransactWriteItems", 0L);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("shards", shards);
        row.put("threads", threads);
        row.put("debits", succeeded);
        row.put("failed", threads * perThread - succeeded);
        row.put("seconds", Math.round(seconds * 100) / 100.0);
        row.put("debits_per_second", Math.round(succeeded / seconds));
        row.put("transact_attempts_per_debit", Math.round(100.0 * transactions / Math.max(1, succeeded)) / 100.0);
        row.put("aws_calls", env.meter.snapshot());
        System.out.println(row);
        return row;
    }
}
