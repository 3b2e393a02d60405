package dev.tollgate.execution;

import dev.tollgate.billing.CompanionConditionFailed;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.Hold;
import dev.tollgate.billing.IdempotencyStore;
import dev.tollgate.billing.LedgerUnavailableException;
import dev.tollgate.catalog.Quote;
import java.time.Duration;
import java.util.List;

/**
 * The claim stage (SPEC 7.2 step 1, 7.3): before a call reaches its provider it takes its Idempotency-Key, when it
 * has one, and in credits mode holds its price, in one conditional write, so that a claim never exists without its
 * hold nor a hold without its claim. A key another request took first answers from that request's record instead (a
 * replay, 409 or 422), and nothing is held.
 */
final class CallClaim {

    /**
     * What a call holds once it is claimed: its idempotency claim (null without a key) and its hold (null without
     * one); or, when another request took the key first, the answer that request's record gives ({@code lostTo}).
     */
    record Taken(IdempotencyStore.Claim claim, Hold hold, ExecutionOutcome lostTo) {
        static Taken lostTo(ExecutionOutcome answer) {
            return new Taken(null, null, answer);
        }
    }

    private final CreditLedger ledger;
    private final IdempotencyStore idempotency;
    private final IdempotencyClaims claims;
    private final Duration holdTtl;

    CallClaim(CreditLedger ledger, IdempotencyStore idempotency, IdempotencyClaims claims, Duration holdTtl) {
        this.ledger = ledger;
        this.idempotency = idempotency;
        this.claims = claims;
        this.holdTtl = holdTtl;
    }

    /** A call that holds nothing (BYOK, free, a zero price): the idempotency claim alone, if it has a key. */
    Taken claim(CallAttempt a, String fingerprint) {
        IdempotencyStore.Claim claim = claims.claimFor(a, fingerprint);
        if (claim != null && !idempotency.claim(claim) && !claims.ownClaim(a)) {
            return Taken.lostTo(claims.afterLostClaim(a, fingerprint));
        }
        return new Taken(claim, null, null);
    }

    /**
     * A credits call: holds what the balance affords between the quote's minimum and its full price (402 below the
     * minimum), together with the idempotency claim. The balance read on entry sizes the first attempt.
     */
    Taken claimAndHold(CallAttempt a, Quote quote, String fingerprint) {
        IdempotencyStore.Claim claim = claims.claimFor(a, fingerprint);
        try {
            Hold hold = ledger.reserveUpTo(a.accountId(), quote.minimumHoldMicros(), quote.holdMicros(), a.requestId,
                    holdTtl, claim == null ? List.of() : List.of(idempotency.claimWrite(claim)),
                    a.acting.balanceAtEntry());
            a.holdId = hold.holdId();
            return new Taken(claim, hold, null);
        } catch (CompanionConditionFailed claimLost) {
            return Taken.lostTo(claims.afterLostClaim(a, fingerprint));
        } catch (LedgerUnavailableException e) {
            // The write may have landed: its claim must not block the retry for a whole lease; an orphaned hold
            // is the sweeper's, at its expiry.
            if (claim != null && e.mayHaveApplied()) {
                claims.abandonQuietly(a);
            }
            throw e;
        }
    }
}
