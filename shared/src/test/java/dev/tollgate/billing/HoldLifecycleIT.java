package dev.tollgate.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.account.AccountService;
import dev.tollgate.app.Services;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.paging.Page;
import dev.tollgate.testing.ShardBooks;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Holds against DynamoDB Local (SPEC 7.2): a hold left open by a crashed request is released by the sweeper once
 * expired and not before; capture and release racing on one hold have exactly one winner; and with the balance
 * split into 4 shards, reserve and capture stay exact.
 */
class HoldLifecycleIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static Services services;
    private static CreditLedger ledger;
    private static ExecutorService pool;

    @BeforeAll
    static void wire() {
        services = TestServices.services(DYNAMO);
        ledger = services.ledger();
        pool = Executors.newFixedThreadPool(40);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static String account(Services s, long micros) {
        AccountService accounts = s.accountService();
        String id = accounts.create(Account.Type.PERSONAL, Plan.PRO, "t", "test").id();
        if (micros > 0) {
            accounts.topUp(id, micros, "seed-" + id, "test");
        }
        return id;
    }

    @Test
    void theSweeperReleasesAHoldLeftOpenByACrashOnlyAfterItExpires() {
        String account = account(services, 10 * CREDIT);
        // The request reserved, then its container died before capture or release.
        Hold orphan = ledger.reserve(account, 3 * CREDIT, "req_crashed", Duration.ofMinutes(5));
        assertEquals(7 * CREDIT, ledger.balance(account).available());

        HoldSweeper.Result early = new HoldSweeper(ledger, Clock.systemUTC()).sweep(1000, () -> true);
        assertEquals(0, early.released(), "not expired yet");
        assertEquals(3 * CREDIT, ledger.balance(account).held());

        Clock later = Clock.fixed(Instant.now().plus(Duration.ofMinutes(6)), ZoneOffset.UTC);
        HoldSweeper.Result swept = new HoldSweeper(ledger, later).sweep(1000, () -> true);
        assertTrue(swept.released() >= 1, swept.toString());
        assertEquals(10 * CREDIT, ledger.balance(account).available());
        assertEquals(0, ledger.balance(account).held());
        LedgerEntry release = ledger.entries(account, null, 1).items().get(0);
        assertEquals(LedgerEntry.Type.RELEASE, release.type());
        assertEquals("expired", release.reason());
        assertEquals(orphan.holdId(), release.holdId());

        // A late capture of the swept hold loses: nothing is charged or refunded twice.
        TollgateException late = assertThrows(HoldClosedException.class, () -> ledger.capture(orphan, CREDIT));
        assertEquals(ErrorCode.CONFLICT, late.code());
        assertEquals(10 * CREDIT, ledger.balance(account).available());
        assertEquals(0, new HoldSweeper(ledger, later).sweep(1000, () -> true).released(), "nothing left to sweep");
    }

    @Test
    void captureAndReleaseRacingOnOneHoldHaveExactlyOneWinner() throws Exception {
        String account = account(services, 100 * CREDIT);
        int captured = 0;
        int released = 0;
        for (int round = 0; round < 20; round++) {
            Hold hold = ledger.reserve(account, 2 * CREDIT, "req_race_" + round, Duration.ofMinutes(5));
            CountDownLatch go = new CountDownLatch(1);
            Future<Boolean> capture = pool.submit(() -> {
                go.await();
                try {
                    ledger.capture(hold, CREDIT);
                    return true;
                } catch (HoldClosedException lost) {
                    return false;
                }
            });
            Future<Boolean> release = pool.submit(() -> {
                go.await();
                return ledger.release(hold, "expired");
            });
            go.countDown();
            boolean c = capture.get();
            boolean r = release.get();
            assertTrue(c ^ r, "round " + round + ": capture " + c + ", release " + r);
            captured += c ? 1 : 0;
            released += r ? 1 : 0;
        }
        assertEquals(20, captured + released);
        assertEquals(100 * CREDIT - captured * CREDIT, ledger.balance(account).available());
        assertEquals(0, ledger.balance(account).held());
    }

    @Test
    void fourBalanceShardsStayExactUnderConcurrentReserveAndCapture() throws Exception {
        Services sharded = Services.create(TestServices.config(DYNAMO, Map.of("TOLLGATE_BALANCE_SHARDS", "4")));
        CreditLedger shardedLedger = sharded.ledger();
        String account = account(sharded, 0);
        // 80 credits spread over the shards by top-up reference; the 40 holds below need at most 40.
        for (int i = 0; i < 16; i++) {
            shardedLedger.topUp(account, 5 * CREDIT, "t" + i, "test");
        }
        assertEquals(80 * CREDIT, shardedLedger.balance(account).available());

        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String req = "req_shard_" + i;
            results.add(pool.submit(() -> {
                go.await();
                Hold hold = shardedLedger.reserve(account, CREDIT, req, Duration.ofMinutes(5));
                Settlement settled = shardedLedger.capture(hold, CREDIT / 4, s -> List.of());
                assertTrue(settled.availableAfter() >= 0);
                return CREDIT / 4;
            }));
        }
        go.countDown();
        long spent = 0;
        for (Future<Long> f : results) {
            spent += f.get();
        }
        assertEquals(10 * CREDIT, spent);
        Balance after = shardedLedger.balance(account);
        assertEquals(70 * CREDIT, after.available());
        assertEquals(0, after.held());

        List<LedgerEntry> entries = new ArrayList<>();
        String cursor = null;
        do {
            Page<LedgerEntry> page = shardedLedger.entries(account, cursor, 100);
            entries.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        assertEquals(after.available(), entries.stream().mapToLong(LedgerEntry::balanceChange).sum());
        assertEquals(spent, entries.stream().filter(e -> e.type() == LedgerEntry.Type.CAPTURE)
                .mapToLong(LedgerEntry::amount).sum());
        assertTrue(entries.stream().map(LedgerEntry::shard).distinct().count() > 1, "more than one shard used");
        // Each shard is exactly the sum of its own entries' changes, and holds nothing once every hold is closed.
        assertEquals(List.of(), ShardBooks.discrepancies(sharded, account, entries));
        assertEquals(entries.stream().filter(e -> e.type() == LedgerEntry.Type.HOLD).count(),
                entries.stream().filter(e -> e.type() == LedgerEntry.Type.CAPTURE).count());
    }
}
