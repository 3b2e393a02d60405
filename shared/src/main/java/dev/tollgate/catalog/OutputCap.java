package dev.tollgate.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.TollgateException;
import java.util.List;

/**
 * The output-token limit a credits-mode request is sent with, so that the provider cannot produce more than the
 * hold covers.
 *
 * @param maxOutputTokens the limit
 * @param pointers        JSON pointers (into the input) to set to the limit: the fields the caller already sent, or
 *                        the operation's preferred field when the caller sent none
 */
public record OutputCap(long maxOutputTokens, List<String> pointers) {
    public OutputCap {
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("cap must be positive");
        }
        pointers = List.copyOf(pointers);
        if (pointers.isEmpty()) {
            throw new IllegalArgumentException("cap needs a field");
        }
    }

    /**
     * A copy of {@code input} with every cap field set to {@link #maxOutputTokens()}, creating intermediate
     * objects (e.g. Gemini's {@code generationConfig}) when missing.
     *
     * @throws TollgateException {@code validation_failed} if a field on the way is not an object
     */
    public ObjectNode applyTo(ObjectNode input) {
        ObjectNode copy = input.deepCopy();
        for (String pointer : pointers) {
            JsonPointers.setLong(copy, pointer, maxOutputTokens);
        }
        return copy;
    }

    /** Convenience for callers holding a {@link JsonNode}. */
    public ObjectNode applyTo(JsonNode input) {
        if (!(input instanceof ObjectNode object)) {
            throw TollgateException.validation("", "input must be a JSON object");
        }
        return applyTo(object);
    }
}
