package dev.tollgate.billing;

import dev.tollgate.log.Log;
import dev.tollgate.log.RequestMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The crash backstop of SPEC 7.2: releases every hold still {@code open} past its {@code expires_at}. A request
 * always releases its own hold on failure, so holds only outlive their TTL when a container died mid-call. Release
 * is conditional on {@code status = open}, so a capture racing with the sweeper wins or loses as a whole. Each run's
 * counts go to the invocation's metrics ({@code HoldsReleased} > 0 means containers died mid-call: an alarm).
 */
public final class HoldSweeper {
    private static final Log LOG = Log.get(HoldSweeper.class);
    private static final int BATCH = 100;

    /** One run: holds found expired, released now, already closed by a late capture/release, failed to release. */
    public record Result(int found, int released, int alreadyClosed, int failed) {
    }

    private final CreditLedger ledger;
    private final Clock clock;

    public HoldSweeper(CreditLedger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    /** Sweeps until nothing expired is left, {@code max} holds were handled, or {@code keepGoing} says stop. */
    public Result sweep(int max, BooleanSupplier keepGoing) {
        int found = 0;
        int released = 0;
        int closed = 0;
        int failed = 0;
        while (found < max && keepGoing.getAsBoolean()) {
            Instant now = clock.instant();
            List<Hold> expired = ledger.expiredOpenHolds(now, Math.min(BATCH, max - found));
            if (expired.isEmpty()) {
                break;
            }
            int releasedNow = 0;
            for (Hold hold : expired) {
                found++;
                try {
                    if (ledger.release(hold, "expired")) {
                        released++;
                        releasedNow++;
                        LOG.warn("released an expired hold", "hold_id", hold.holdId(), "account_id", hold.accountId(),
                                "amount_micros", hold.amount(), "hold_request_id", String.valueOf(hold.requestId()));
                    } else {
                        closed++;
                    }
                } catch (RuntimeException e) {
                    failed++;
                    LOG.error("releasing an expired hold failed", e, "hold_id", hold.holdId());
                }
            }
            if (releasedNow == 0) {
                // Only stale index entries (the GSI is eventually consistent) or failing releases: stop, retry next run.
                break;
            }
        }
        RequestMetrics metrics = RequestMetrics.current();
        metrics.count("HoldsExpired", found);
        metrics.count("HoldsReleased", released);
        metrics.count("HoldsAlreadyClosed", closed);
        metrics.count("HoldsReleaseFailed", failed);
        return new Result(found, released, closed, failed);
    }
}
