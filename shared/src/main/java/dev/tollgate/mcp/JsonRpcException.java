package dev.tollgate.mcp;

import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;

/** A protocol error: answered as a JSON-RPC error object, never as a tool result. */
final class JsonRpcException extends RuntimeException {
    private final int code;
    private final transient Object data;

    JsonRpcException(int code, String message, Object data) {
        super(message, null, false, false);
        this.code = code;
        this.data = data;
    }

    static JsonRpcException invalidRequest(String message) {
        return new JsonRpcException(ErrorCodes.INVALID_REQUEST, message, null);
    }

    static JsonRpcException invalidParams(String message) {
        return new JsonRpcException(ErrorCodes.INVALID_PARAMS, message, null);
    }

    static JsonRpcException invalidParams(String message, Object data) {
        return new JsonRpcException(ErrorCodes.INVALID_PARAMS, message, data);
    }

    int code() {
        return code;
    }

    Object data() {
        return data;
    }
}
