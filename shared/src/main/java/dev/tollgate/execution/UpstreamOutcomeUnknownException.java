package dev.tollgate.execution;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;

/**
 * The request left for the provider and no answer came back (a timeout, a connection reset mid-exchange): the
 * provider may have acted on it. Tollgate charges nothing for it, and with an Idempotency-Key it keeps the record so
 * that a retry does what the operation allows (SPEC 7.3) instead of silently repeating the action.
 */
public final class UpstreamOutcomeUnknownException extends TollgateException {
    public UpstreamOutcomeUnknownException(ErrorCode code, String message) {
        super(code, message);
    }
}
