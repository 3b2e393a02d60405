package dev.tollgate.a2a;

import io.a2a.spec.InvalidParamsError;
import io.a2a.spec.JSONRPCError;

/**
 * A protocol error, answered as the JSON-RPC error it carries (one of the SDK's: {@code TaskNotFoundError},
 * {@code InvalidParamsError}, ...), never as a task. The SDK's error types extend {@link Error}; this keeps them out
 * of {@code throw}.
 */
final class RpcFailure extends RuntimeException {
    private final transient JSONRPCError error;

    RpcFailure(JSONRPCError error) {
        super(error.getMessage(), null, false, false);
        this.error = error;
    }

    static RpcFailure invalidParams(String message) {
        return new RpcFailure(new InvalidParamsError(null, message, null));
    }

    JSONRPCError error() {
        return error;
    }
}
