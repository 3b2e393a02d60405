package dev.tollgate.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.billing.AtomicWrite;
import dev.tollgate.billing.AtomicWriter;
import dev.tollgate.billing.CompanionConditionFailed;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.Hold;
import dev.tollgate.billing.HoldClosedException;
import dev.tollgate.billing.IdempotencyStore;
import dev.tollgate.billing.LedgerUnavailableException;
import dev.tollgate.billing.Settlement;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.billing.UsageStore;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The settle-or-release stage: settles a hold once the provider has answered (SPEC 7.2 step 3), at the worst moments
 * too, or releases it when the call failed (step 4). The result was already rendered ({@link ResultRendering}), so
 * once the capture commits, the response can be written.
 *
 * <ul>
 *   <li>Normally: capture, with the usage record and (with an Idempotency-Key) the stored response, in one
 *       transaction — the charge and its replayable answer are durable together.</li>
 *   <li>The idempotency claim was taken over meanwhile (the call outlived its lease): capture without storing.</li>
 *   <li>The hold is no longer open (the call outlived the hold TTL and the sweeper released it): served free, and
 *       the free answer is stored so a retry replays it instead of acting again.</li>
 *   <li>The ledger cannot confirm the capture: the hold is read back. Captured → charged as captured. Still open →
 *       released, so the call is served free rather than charged unknowingly. If even that fails, the caller gets
 *       {@code temporarily_unavailable} saying what it may have been charged — never "nothing was charged".</li>
 * </ul>
 */
final class HoldSettler {
    private static final Log LOG = Log.get(HoldSettler.class);

    /** The call-specific parts of a settlement: its usage record and its response body, for an amount charged. */
    interface Receipt {
        UsageRecord usage(long charged, long uncharged);

        ObjectNode body(long charged, long availableAfter);
    }

    /** The idempotency record a settlement completes: the customer's key, held by this request. */
    record Claimed(String accountId, String key, String ownerRequestId) {
        /** The claim {@code a} holds on its Idempotency-Key. */
        static Claimed by(CallAttempt a) {
            return new Claimed(a.accountId(), a.idempotencyKey(), a.requestId);
        }
    }

    private final CreditLedger ledger;
    private final IdempotencyStore idempotency;
    private final UsageStore usage;
    private final AtomicWriter writer;
    private final IdempotencyClaims claims;
    private final Receipts receipts;

    HoldSettler(CreditLedger ledger, IdempotencyStore idempotency, UsageStore usage, AtomicWriter writer,
                IdempotencyClaims claims, Receipts receipts) {
        this.ledger = ledger;
        this.idempotency = idempotency;
        this.usage = usage;
        this.writer = writer;
        this.claims = claims;
        this.receipts = receipts;
    }

    /**
     * Charges {@code charged} (≤ the hold) of a call priced at {@code price} and returns the response body.
     *
     * @param claimed null without an Idempotency-Key
     */
    ObjectNode settle(Hold hold, long charged, long price, Receipt receipt, Claimed claimed) {
        UsageRecord record = receipt.usage(charged, price - charged);
        ObjectNode[] rendered = new ObjectNode[1];
        try {
            // The body is rendered once: inside the capture when it is stored with it, else after it.
            Settlement s = ledger.capture(hold, charged, settlement -> withStored(record, claimed,
                    () -> rendered[0] = receipt.body(charged, settlement.availableAfter())));
            return rendered[0] != null ? rendered[0] : receipt.body(charged, s.availableAfter());
        } catch (CompanionConditionFailed leaseLost) {
            LOG.warn("idempotency claim taken over before capture; response not stored", "account_id", hold.accountId());
            return settle(hold, charged, price, receipt, null);
        } catch (HoldClosedException expired) {
            LOG.error("hold closed before capture: call served without charge", expired, "account_id",
                    hold.accountId(), "hold_id", hold.holdId());
            return servedFree(hold, price, receipt, claimed);
        } catch (LedgerUnavailableException e) {
            if (!e.mayHaveApplied()) {
                return releaseAndServeFree(hold, price, receipt, claimed, e);
            }
            return afterUnconfirmedCapture(hold, charged, price, receipt, claimed, e);
        }
    }

    /** The capture may or may not have committed: whatever the stored hold says is what happened. */
    private ObjectNode afterUnconfirmedCapture(Hold hold, long charged, long price, Receipt receipt, Claimed claimed,
                                              LedgerUnavailableException failure) {
        Optional<Hold> stored;
        try {
            stored = ledger.hold(hold.holdId());
        } catch (RuntimeException e) {
            throw unconfirmed(hold, charged, failure);
        }
        Hold.Status status = stored.map(Hold::status).orElse(Hold.Status.OPEN);
        if (status == Hold.Status.CAPTURED) {
            // Committed with its usage record and stored response; only the answer to the capture was lost.
            return receipt.body(charged, ledger.balance(hold.accountId()).available());
        }
        if (status == Hold.Status.RELEASED) {
            return servedFree(hold, price, receipt, claimed);
        }
        return releaseAndServeFree(hold, price, receipt, claimed, failure);
    }

    /** The hold is still open and the capture did not commit: release it, so that the answer is certainly free. */
    private ObjectNode releaseAndServeFree(Hold hold, long price, Receipt receipt, Claimed claimed,
                                           LedgerUnavailableException failure) {
        try {
            if (!ledger.release(hold, "capture_failed")) {
                Hold.Status status = ledger.hold(hold.holdId()).map(Hold::status).orElse(Hold.Status.RELEASED);
                if (status == Hold.Status.CAPTURED) {
                    throw unconfirmed(hold, hold.amount(), failure);
                }
            }
        } catch (LedgerUnavailableException e) {
            throw unconfirmed(hold, hold.amount(), failure);
        }
        return servedFree(hold, price, receipt, claimed);
    }

    /** The hold was released: the answer is served free, and stored so that a retry replays it. */
    private ObjectNode servedFree(Hold hold, long price, Receipt receipt, Claimed claimed) {
        ObjectNode body = receipt.body(0, ledger.balance(hold.accountId()).available());
        UsageRecord free = receipt.usage(0, price);
        try {
            writer.commit(withStored(free, claimed, () -> body));
        } catch (CompanionConditionFailed leaseLost) {
            usage.record(free);
        } catch (RuntimeException e) {
            LOG.error("recording a call served free failed", e, "account_id", hold.accountId());
        }
        return body;
    }

    /**
     * A call that held nothing (BYOK, free): its usage record and, with an Idempotency-Key, its stored response, in one
     * write. A claim taken over meanwhile (the call outlived its lease) leaves the response unstored.
     */
    void settleWithoutHold(CallAttempt a, UsageRecord record, ObjectNode body, boolean claimed) {
        if (!claimed) {
            usage.record(record);
        } else {
            try {
                writer.commit(withStored(record, Claimed.by(a), () -> body));
            } catch (CompanionConditionFailed leaseLost) {
                LOG.warn("idempotency claim taken over before completion; response not stored", "account_id",
                        a.accountId());
                usage.record(record);
            }
        }
        a.recorded = true;
    }

    /**
     * A call that held nothing failed ({@code failure} null for an {@link Error}): its idempotency claim is removed,
     * or kept as {@code outcome_unknown} when the provider may have acted.
     */
    void releaseClaim(CallAttempt a, RuntimeException failure) {
        claims.closeClaimQuietly(a, failure != null && IdempotencyClaims.keepsUnknownOutcome(a, failure));
    }

    private List<AtomicWrite> withStored(UsageRecord record, Claimed claimed, Supplier<ObjectNode> body) {
        List<AtomicWrite> with = new ArrayList<>(2);
        with.add(usage.recordWrite(record));
        if (claimed != null) {
            StoredResponses.Encoded stored = StoredResponses.encode(body.get());
            with.add(idempotency.completeWrite(claimed.accountId(), claimed.key(), claimed.ownerRequestId(), 200,
                    stored.bytes(), stored.gzip()));
        }
        return with;
    }

    private static TollgateException unconfirmed(Hold hold, long atMost, LedgerUnavailableException failure) {
        LOG.error("capture could not be confirmed; the sweeper settles the hold if it is still open", failure,
                "account_id", hold.accountId(), "hold_id", hold.holdId(), "alarm", "capture_unconfirmed");
        return new TollgateException(ErrorCode.TEMPORARILY_UNAVAILABLE, "The provider answered, but Tollgate could not "
                + "confirm the charge for it: at most " + Credits.toCredits(atMost).toPlainString() + " credits. "
                + "GET /api/v1/ledger shows it under this request id if it was charged; otherwise its hold is returned "
                + "within minutes. Retry with the same Idempotency-Key to get the stored answer",
                Map.of("hold_id", hold.holdId(), "max_credits_charged", Credits.toCredits(atMost)),
                Map.of("Retry-After", "1"));
    }

    /**
     * Releases the hold with the failure's usage record and, with an Idempotency-Key, the removal of the claim (or,
     * when the provider may have acted, its {@code outcome_unknown} mark), atomically.
     */
    void release(CallAttempt a, Hold hold, boolean claimed, RuntimeException failure) {
        UsageRecord record = Receipts.failureRecord(a, failure);
        String reason = failure instanceof TollgateException te ? te.code().code() : "internal_error";
        boolean unknown = IdempotencyClaims.keepsUnknownOutcome(a, failure);
        List<AtomicWrite> with = new ArrayList<>(2);
        with.add(usage.recordWrite(record));
        if (claimed) {
            with.add(unknown ? idempotency.outcomeUnknownWrite(a.accountId(), a.idempotencyKey(), a.requestId)
                    : idempotency.abandonWrite(a.accountId(), a.idempotencyKey(), a.requestId));
        }
        try {
            a.released = ledger.release(hold, reason, with);
            if (!a.released) {
                LOG.warn("hold already closed at release", "hold_id", hold.holdId());
                receipts.recordQuietly(record);
                if (claimed) {
                    claims.closeClaimQuietly(a, unknown);
                }
            }
            a.recorded = true;
        } catch (CompanionConditionFailed claimTakenOver) {
            a.released = releaseQuietly(hold, reason, List.of(usage.recordWrite(record)));
            a.recorded = true;
        } catch (RuntimeException e) {
            // The sweeper releases the hold when it expires; the caller still gets the original error.
            LOG.error("releasing a hold failed; the sweeper will release it", e, "hold_id", hold.holdId());
            if (claimed) {
                claims.closeClaimQuietly(a, unknown);
            }
        }
    }

    boolean releaseQuietly(Hold hold, String reason, List<AtomicWrite> with) {
        try {
            return ledger.release(hold, reason, with);
        } catch (RuntimeException e) {
            LOG.error("releasing a hold failed; the sweeper will release it", e, "hold_id", hold.holdId());
            return false;
        }
    }
}
