package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One call of a catalog operation, as REST ({@code POST /api/v1/execute}) and MCP ({@code tools/call}) both express it.
 * {@code body} is the canonical request used for the idempotency fingerprint; {@code idempotencyKey} may be null.
 */
public record ExecutionRequest(String tool, String operation, JsonNode input, String idempotencyKey, String requestId,
                               JsonNode body) {
}
