package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How one tool call ended, in the terms every door answers with: the provider's result and the REST billing object,
 * or the error object ({@link dev.tollgate.http.ErrorResponses#callError}). {@code replayed} marks an idempotent
 * replay; {@code resultStored} is false when the replay could not repeat an oversized result (SPEC 7.3).
 */
public record CallOutcome(JsonNode result, JsonNode billing, ObjectNode error, boolean replayed, boolean resultStored) {

    static CallOutcome success(JsonNode result, JsonNode billing) {
        return new CallOutcome(result, billing, null, false, true);
    }

    /** A call refused by the door itself, before the engine (its error object from ErrorResponses.callError). */
    public static CallOutcome failure(ObjectNode error) {
        return new CallOutcome(null, null, error, false, true);
    }

    /** The engine's answer: a result with its billing, or the replay of a stored failure as its error object. */
    static CallOutcome of(ExecutionOutcome outcome) {
        ObjectNode body = outcome.body();
        if (outcome.status() / 100 != 2) {
            JsonNode stored = body.path("error");
            ObjectNode error = stored.isObject() ? ((ObjectNode) stored).deepCopy() : dev.tollgate.json.Json.object();
            error.put("status", outcome.status());
            return new CallOutcome(null, null, error, outcome.replayed(), true);
        }
        JsonNode result = body.get("result");
        return new CallOutcome(result == null ? NullNode.getInstance() : result, body.get("billing"), null,
                outcome.replayed(), body.path("result_stored").asBoolean(true));
    }

    public boolean failed() {
        return error != null;
    }

    /** The error code, or null for a success. */
    public String errorCode() {
        return error == null ? null : error.path("code").asText(null);
    }

    /** The HTTP status REST would have answered: 200, or the error's. */
    public int status() {
        return error == null ? 200 : error.path("status").asInt(500);
    }
}
