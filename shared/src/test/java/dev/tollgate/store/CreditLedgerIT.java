package dev.tollgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.account.AccountService;
import dev.tollgate.app.Services;
import dev.tollgate.billing.Balance;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.Hold;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.billing.Settlement;
import dev.tollgate.billing.TopUpResult;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.paging.Page;
import dev.tollgate.testing.ShardBooks;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ledger against DynamoDB Local: exactness, idempotent top-ups, holds, and concurrency without drift. */
class CreditLedgerIT {
    private static final long CREDIT = 1_000_000L;

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static Services services;
    private static CreditLedger ledger;
    private static AccountService accounts;
    private static ExecutorService pool;

    @BeforeAll
    static void wire() {
        services = TestServices.services(DYNAMO);
        ledger = services.ledger();
        accounts = services.accountService();
        pool = Executors.newFixedThreadPool(25);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static String newAccount() {
        return accounts.create(Account.Type.PERSONAL, Plan.PRO, "t", "test").id();
    }

    @Test
    void topUpWithTheSameReferenceCreditsOnce() {
        String account = newAccount();
        TopUpResult first = ledger.topUp(account, 25_500_000L, "inv_123", "test");
        TopUpResult again = ledger.topUp(account, 25_500_000L, "inv_123", "test");
        assertFalse(first.replayed());
        assertTrue(again.replayed());
        assertEquals(first.ledgerEntryId(), again.ledgerEntryId());
        assertEquals(25_500_000L, ledger.balance(account).available());
        assertEquals(1, ledger.entries(account, null, 100).items().size());

        TollgateException reuse = assertThrows(TollgateException.class, () -> ledger.topUp(account, 1, "inv_123", "test"));
        assertEquals(ErrorCode.CONFLICT, reuse.code());
        assertEquals(25_500_000L, ledger.balance(account).available());
    }

    @Test
    void adjustmentsNeverTakeTheBalanceBelowZero() {
        String account = newAccount();
        ledger.topUp(account, 2 * CREDIT, "t1", "test");
        TollgateException e = assertThrows(TollgateException.class, () -> ledger.adjust(account, -3 * CREDIT, "refund", null, "test"));
        assertEquals(ErrorCode.INSUFFICIENT_CREDITS, e.code());
        assertEquals(2 * CREDIT, ledger.balance(account).available());
        ledger.adjust(account, -2 * CREDIT, "refund", "adj-1", "test");
        assertEquals(0, ledger.balance(account).available());
    }

    @Test
    void holdCaptureRefundsTheUnusedPartAndReleaseRefundsAll() {
        String account = newAccount();
        ledger.topUp(account, 10 * CREDIT, "t1", "test");
        Hold hold = ledger.reserve(account, 3 * CREDIT, "req_1", Duration.ofMinutes(5));
        assertEquals(7 * CREDIT, ledger.balance(account).available());
        assertEquals(3 * CREDIT, ledger.balance(account).held());

        Settlement settled = ledger.capture(hold, CREDIT, s -> List.of());
        LedgerEntry capture = settled.entry();
        assertEquals(CREDIT, capture.amount());
        assertEquals(2 * CREDIT, capture.balanceChange());
        assertEquals(9 * CREDIT, settled.availableAfter(), "read before the capture: no balance was given to the reserve");
        assertEquals(0, ledger.balance(account).held());
        assertFalse(ledger.release(hold, "late"), "a captured hold cannot be released");

        Hold second = ledger.reserve(account, 4 * CREDIT, "req_2", Duration.ofMinutes(5));
        assertTrue(ledger.release(second, "upstream_error"));
        assertFalse(ledger.release(second, "twice"));
        assertThrows(TollgateException.class, () -> ledger.capture(second, 1));
        assertEquals(9 * CREDIT, ledger.balance(account).available());

        Page<LedgerEntry> page = ledger.entries(account, null, 3);
        assertEquals(3, page.items().size());
        assertEquals(LedgerEntry.Type.RELEASE, page.items().get(0).type());
        Page<LedgerEntry> rest = ledger.entries(account, page.nextCursor(), 100);
        assertEquals(List.of(LedgerEntry.Type.HOLD, LedgerEntry.Type.TOPUP),
                rest.items().stream().map(LedgerEntry::type).toList());
    }

    @Test
    void aReserveTheBalanceCannotCoverIs402WithRequiredAndAvailable() {
        String account = newAccount();
        ledger.topUp(account, CREDIT / 2, "t1", "test");
        TollgateException e = assertThrows(TollgateException.class,
                () -> ledger.reserve(account, CREDIT, "req", Duration.ofMinutes(5)));
        assertEquals(ErrorCode.INSUFFICIENT_CREDITS, e.code());
        assertEquals("1", e.details().get("required").toString());
        assertEquals("0.5", e.details().get("available").toString());
    }

    @Test
    void fiftyConcurrentDebitsOnOneCreditAllowExactlyTen() throws Exception {
        String account = newAccount();
        ledger.topUp(account, CREDIT, "t1", "test");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String requestId = "req_" + i;
            Callable<Boolean> debit = () -> {
                start.await();
                try {
                    Hold hold = ledger.reserve(account, CREDIT / 10, requestId, Duration.ofMinutes(5));
                    ledger.capture(hold, CREDIT / 10);
                    return true;
                } catch (TollgateException e) {
                    assertEquals(ErrorCode.INSUFFICIENT_CREDITS, e.code());
                    return false;
                }
            };
            results.add(pool.submit(debit));
        }
        start.countDown();
        int succeeded = 0;
        for (Future<Boolean> f : results) {
            succeeded += f.get() ? 1 : 0;
        }
        assertEquals(10, succeeded);
        assertEquals(0, ledger.balance(account).available());
        assertEquals(0, ledger.balance(account).held());

        // Conservation: the ledger's signed changes add up to the final balance, and captures to what was spent.
        List<LedgerEntry> all = ledger.entries(account, null, 100).items();
        assertEquals(0, all.stream().mapToLong(LedgerEntry::balanceChange).sum());
        assertEquals(CREDIT, all.stream().filter(e -> e.type() == LedgerEntry.Type.CAPTURE).mapToLong(LedgerEntry::amount).sum());
        // The 40 refused reserves wrote nothing, and the shard is exactly the sum of what was written.
        assertEquals(10, all.stream().filter(e -> e.type() == LedgerEntry.Type.HOLD).count());
        assertEquals(List.of(), ShardBooks.discrepancies(services, account, all));
    }

    @Test
    void aHoldRemembersTheBalanceItsCallerSawSoTheCaptureNeedsNoRead() {
        String account = newAccount();
        ledger.topUp(account, 10 * CREDIT, "t1", "test");
        Hold hold = ledger.reserveUpTo(account, CREDIT, 3 * CREDIT, "req_seen", Duration.ofMinutes(5), List.of(),
                new Balance(10 * CREDIT, 0));
        assertEquals(7 * CREDIT, hold.availableAfter());
        // A movement the caller did not see is not in the answer: it is the balance as this call saw it.
        ledger.topUp(account, CREDIT, "t2", "test");
        assertEquals(9 * CREDIT, ledger.capture(hold, CREDIT, s -> List.of()).availableAfter());
        assertEquals(10 * CREDIT, ledger.balance(account).available());

        // A balance seen before that cannot have paid for the hold (it grew meanwhile) is not trusted.
        Hold unseen = ledger.reserveUpTo(account, CREDIT, 3 * CREDIT, "req_stale", Duration.ofMinutes(5), List.of(),
                new Balance(CREDIT, 0));
        assertNull(unseen.availableAfter());
        assertEquals(7 * CREDIT, ledger.capture(unseen, 3 * CREDIT, s -> List.of()).availableAfter(), "read instead");
    }

    @Test
    void aHoldOfUpToAnAmountTakesWhatTheRefusedShardHeld() {
        String account = newAccount();
        ledger.topUp(account, 2 * CREDIT, "t1", "test");
        Hold hold = ledger.reserveUpTo(account, CREDIT, 5 * CREDIT, "req_upto", Duration.ofMinutes(5), List.of());
        assertEquals(2 * CREDIT, hold.amount());
        assertEquals(0, ledger.balance(account).available());
        TollgateException e = assertThrows(TollgateException.class, () -> ledger.reserveUpTo(account, CREDIT,
                5 * CREDIT, "req_none", Duration.ofMinutes(5), List.of()));
        assertEquals(ErrorCode.INSUFFICIENT_CREDITS, e.code());
        assertEquals("1", e.details().get("required").toString());
        assertEquals("0", e.details().get("available").toString());
    }
}
