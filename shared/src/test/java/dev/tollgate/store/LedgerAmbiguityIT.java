package dev.tollgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.app.Services;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.Hold;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.billing.LedgerUnavailableException;
import dev.tollgate.billing.TopUpResult;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.DynamoFaults;
import dev.tollgate.testing.DynamoFaults.Kind;
import dev.tollgate.testing.DynamoFaults.Step;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A ledger movement whose answer is lost (the write committed, the response never came) is applied exactly once: the
 * ledger retries with the same entry id and recognises its own entry. Throttling that outlasts the retries is a typed
 * "nothing applied"; an outcome that cannot be read back is a typed "may have applied", never a guess.
 */
class LedgerAmbiguityIT {
    private static final long CREDIT = 1_000_000L;

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static DynamoFaults faults;
    private static Services services;
    private static CreditLedger ledger;

    @BeforeAll
    static void wire() {
        faults = new DynamoFaults(1, 0, DYNAMO.environment().get("HOLDS_TABLE"));
        services = Services.create(TestServices.config(DYNAMO, Map.of()), Clock.systemUTC(), faults);
        ledger = services.ledger();
    }

    @BeforeEach
    void quiet() {
        faults.enable(false);
    }

    private static String account(long micros) {
        String id = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "t", "test").id();
        if (micros > 0) {
            ledger.topUp(id, micros, "seed-" + id, "test");
        }
        return id;
    }

    private static List<LedgerEntry.Type> types(String account) {
        return ledger.entries(account, null, 100).items().stream().map(LedgerEntry::type).toList();
    }

    @Test
    void aReserveWhoseAnswerIsLostHoldsOnce() {
        String account = account(10 * CREDIT);
        faults.script(Step.RESERVE, Kind.RESPONSE_LOST, 1);
        Hold hold = ledger.reserve(account, 3 * CREDIT, "req_1", Duration.ofMinutes(5));
        assertEquals(3 * CREDIT, hold.amount());
        assertEquals(7 * CREDIT, ledger.balance(account).available());
        assertEquals(3 * CREDIT, ledger.balance(account).held());
        assertEquals(List.of(LedgerEntry.Type.HOLD, LedgerEntry.Type.TOPUP), types(account));
        assertEquals(Hold.Status.OPEN, ledger.hold(hold.holdId()).orElseThrow().status());
    }

    @Test
    void aCaptureWhoseAnswerIsLostChargesOnce() {
        String account = account(10 * CREDIT);
        Hold hold = ledger.reserve(account, 3 * CREDIT, "req_2", Duration.ofMinutes(5));
        faults.script(Step.CAPTURE, Kind.RESPONSE_LOST, 1);
        var settlement = ledger.capture(hold, CREDIT, s -> List.of());
        assertEquals(9 * CREDIT, settlement.availableAfter());
        assertEquals(9 * CREDIT, ledger.balance(account).available());
        assertEquals(0, ledger.balance(account).held());
        assertEquals(List.of(LedgerEntry.Type.CAPTURE, LedgerEntry.Type.HOLD, LedgerEntry.Type.TOPUP), types(account));
        assertFalse(ledger.release(hold, "late"), "captured: a release changes nothing");
    }

    @Test
    void aTopUpWhoseAnswerIsLostCreditsOnce() {
        String account = account(0);
        faults.script(Step.OTHER_WRITE, Kind.RESPONSE_LOST, 1);
        TopUpResult first = ledger.topUp(account, 5 * CREDIT, "inv_lost", "test");
        assertFalse(first.replayed());
        assertTrue(ledger.topUp(account, 5 * CREDIT, "inv_lost", "test").replayed());
        assertEquals(5 * CREDIT, ledger.balance(account).available());
        assertEquals(List.of(LedgerEntry.Type.TOPUP), types(account));
    }

    @Test
    void throttlingThatOutlastsTheRetriesAppliesNothingAndSaysSo() {
        String account = account(10 * CREDIT);
        faults.script(Step.RESERVE, Kind.THROTTLED, 5);
        LedgerUnavailableException e = assertThrows(LedgerUnavailableException.class,
                () -> ledger.reserve(account, 3 * CREDIT, "req_3", Duration.ofMinutes(5)));
        assertEquals(ErrorCode.TEMPORARILY_UNAVAILABLE, e.code());
        assertEquals(503, e.status());
        assertFalse(e.mayHaveApplied());
        assertTrue(e.getMessage().contains("nothing was charged"), e.getMessage());
        assertEquals("1", e.headers().get("Retry-After"));
        assertEquals(10 * CREDIT, ledger.balance(account).available());
        assertEquals(List.of(LedgerEntry.Type.TOPUP), types(account));
    }

    @Test
    void aReserveThatCannotBeConfirmedIsReleasedAgainAndReportedAsUnknown() {
        String account = account(10 * CREDIT);
        // The first attempt commits and its answer is lost; every retry is throttled; the final look-up fails too.
        faults.script(Step.RESERVE, Kind.RESPONSE_LOST, 1).script(Step.RESERVE, Kind.THROTTLED, 4)
                .script(Step.READ, Kind.THROTTLED, 1);
        LedgerUnavailableException e = assertThrows(LedgerUnavailableException.class,
                () -> ledger.reserve(account, 3 * CREDIT, "req_4", Duration.ofMinutes(5)));
        assertTrue(e.mayHaveApplied());
        assertFalse(e.getMessage().contains("nothing was charged"), e.getMessage());
        assertEquals(0, faults.scriptLeft());
        // The hold it may have left was found and released at once: nothing waits for the sweeper.
        assertEquals(10 * CREDIT, ledger.balance(account).available());
        assertEquals(0, ledger.balance(account).held());
        List<LedgerEntry> entries = ledger.entries(account, null, 10).items();
        assertEquals(List.of(LedgerEntry.Type.RELEASE, LedgerEntry.Type.HOLD, LedgerEntry.Type.TOPUP),
                entries.stream().map(LedgerEntry::type).toList());
        assertEquals("unconfirmed", entries.get(0).reason());
    }

    @Test
    void cancelledTransactionsAndFailedConditionsAreRetriedFromTheStoredState() {
        String account = account(10 * CREDIT);
        faults.script(Step.RESERVE, Kind.TRANSACTION_CONFLICT, 1).script(Step.RESERVE, Kind.TRANSACTION_THROTTLED, 1)
                .script(Step.RESERVE, Kind.CONDITION_FAILED, 1);
        Hold hold = ledger.reserve(account, 3 * CREDIT, "req_5", Duration.ofMinutes(5));
        assertEquals(0, faults.scriptLeft());
        assertEquals(7 * CREDIT, ledger.balance(account).available());
        assertTrue(ledger.release(hold, "done"));
        assertEquals(10 * CREDIT, ledger.balance(account).available());
    }
}
