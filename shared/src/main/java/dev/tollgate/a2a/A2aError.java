package dev.tollgate.a2a;

import io.a2a.spec.JSONRPCError;

/**
 * The JSON-RPC errors A2A 0.3 defines, answered as plain {@link JSONRPCError}s with the protocol's codes; clients (the
 * official SDK's included) tell them apart by code. Not the SDK's own subclasses ({@code TaskNotFoundError}, ...):
 * their constructors fill defaults through {@code io.a2a.util.Utils}, whose initialiser builds a Jackson
 * {@code JavaTimeModule}, and that alone would make A2aFunction ship jackson-datatype-jsr310 (107 KB, over the 12 MB
 * jar budget) for nothing.
 */
enum A2aError {
    PARSE_ERROR(-32700),
    INVALID_REQUEST(-32600),
    METHOD_NOT_FOUND(-32601),
    INVALID_PARAMS(-32602),
    INTERNAL_ERROR(-32603),
    TASK_NOT_FOUND(-32001),
    TASK_NOT_CANCELABLE(-32002),
    PUSH_NOTIFICATION_NOT_SUPPORTED(-32003),
    UNSUPPORTED_OPERATION(-32004),
    AUTHENTICATED_EXTENDED_CARD_NOT_CONFIGURED(-32007);

    private final int code;

    A2aError(int code) {
        this.code = code;
    }

    JSONRPCError with(String message) {
        return with(message, null);
    }

    JSONRPCError with(String message, Object data) {
        return new JSONRPCError(code, message, data);
    }
}
