package dev.tollgate.billing;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;

/** A capture lost the race: the hold was already captured or released (e.g. by the sweeper after it expired). */
public final class HoldClosedException extends TollgateException {
    public HoldClosedException(String holdId) {
        super(ErrorCode.CONFLICT, "Hold " + holdId + " is no longer open");
    }
}
