package dev.tollgate.a2a;

import io.a2a.spec.JSONRPCError;

/**
 * A protocol error, answered as the JSON-RPC error it carries ({@link A2aError}: task not found, invalid params, ...),
 * never as a task. The SDK's error type is not an exception; this carries it through {@code throw}.
 */
final class RpcFailure extends RuntimeException {
    private final transient JSONRPCError error;

    RpcFailure(JSONRPCError error) {
        super(error.getMessage(), null, false, false);
        this.error = error;
    }

    static RpcFailure invalidParams(String message) {
        return new RpcFailure(A2aError.INVALID_PARAMS.with(message));
    }

    static RpcFailure taskNotFound() {
        return new RpcFailure(A2aError.TASK_NOT_FOUND.with("Task not found"));
    }

    JSONRPCError error() {
        return error;
    }
}
