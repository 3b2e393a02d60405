package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One call of a catalog operation, as REST ({@code POST /api/v1/execute}) and MCP ({@code tools/call}) both express it.
 * {@code body} is the canonical request used for the idempotency fingerprint; {@code idempotencyKey} may be null.
 * {@code runId} groups calls into a run for the run history (SPEC 13); null when the caller sent none, and already
 * checked with {@link dev.tollgate.domain.RunIds#check} by the door that read it.
 */
public record ExecutionRequest(String tool, String operation, JsonNode input, String idempotencyKey, String requestId,
                               JsonNode body, String runId) {

    /** A call outside any run. */
    public ExecutionRequest(String tool, String operation, JsonNode input, String idempotencyKey, String requestId,
                            JsonNode body) {
        this(tool, operation, input, idempotencyKey, requestId, body, null);
    }
}
