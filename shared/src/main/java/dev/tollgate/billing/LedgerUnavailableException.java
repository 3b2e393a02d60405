package dev.tollgate.billing;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.util.Map;

/**
 * The ledger's store kept failing (throttled, unreachable) after the ledger's own retries. {@link #mayHaveApplied()}
 * says whether the movement might still have committed: false only when every attempt was refused before it could
 * apply (throttling), so that an error may say "nothing was charged" only when the ledger knows it.
 */
public final class LedgerUnavailableException extends TollgateException {
    private final boolean mayHaveApplied;

    private LedgerUnavailableException(String message, boolean mayHaveApplied) {
        super(ErrorCode.TEMPORARILY_UNAVAILABLE, message, Map.of(), Map.of("Retry-After", "1"));
        this.mayHaveApplied = mayHaveApplied;
    }

    /** Every attempt was refused before it applied: the balance did not move. */
    public static LedgerUnavailableException notApplied() {
        return new LedgerUnavailableException("The credit ledger is busy right now and nothing was charged; retry in "
                + "a moment", false);
    }

    /** An attempt may have committed and its outcome could not be read back. */
    public static LedgerUnavailableException outcomeUnknown() {
        return new LedgerUnavailableException("The credit ledger could not confirm a balance change; retry in a "
                + "moment (a retry with the same Idempotency-Key, or the same top-up reference, never applies twice)",
                true);
    }

    public boolean mayHaveApplied() {
        return mayHaveApplied;
    }
}
