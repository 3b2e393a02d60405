package dev.tollgate.catalog;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.TollgateException;
import java.util.OptionalLong;

/** Reads and writes through the JSON pointers the catalog names (RFC 6901, object members only when writing). */
final class JsonPointers {
    private JsonPointers() {
    }

    /** Whether {@code pointer} is a well-formed, non-root pointer. */
    static boolean isValid(String pointer) {
        if (pointer == null || !pointer.startsWith("/") || pointer.length() < 2) {
            return false;
        }
        try {
            JsonPointer.compile(pointer);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The node at {@code pointer}, or a missing node; a JSON {@code null} counts as missing. */
    static JsonNode at(JsonNode root, String pointer) {
        if (root == null) {
            return MissingNode.getInstance();
        }
        JsonNode node = root.at(JsonPointer.compile(pointer));
        return node.isNull() ? MissingNode.getInstance() : node;
    }

    static boolean isPresent(JsonNode root, String pointer) {
        return !at(root, pointer).isMissingNode();
    }

    /** A non-negative integer that fits a long, or empty if the node is anything else. */
    static OptionalLong nonNegativeLong(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
            return OptionalLong.of(node.longValue());
        }
        return OptionalLong.empty();
    }

    /**
     * A positive integer from the caller's input at {@code pointer}, or empty if absent.
     *
     * @throws TollgateException {@code validation_failed} if present but not a positive integer
     */
    static OptionalLong positiveInputLong(JsonNode input, String pointer) {
        JsonNode node = at(input, pointer);
        if (node.isMissingNode()) {
            return OptionalLong.empty();
        }
        OptionalLong value = nonNegativeLong(node);
        if (value.isEmpty() || value.getAsLong() < 1) {
            throw TollgateException.validation(pointer, "'" + pointer.substring(1) + "' must be a positive integer");
        }
        return value;
    }

    /** Sets a number at {@code pointer}, creating missing parent objects. */
    static void setLong(ObjectNode root, String pointer, long value) {
        JsonPointer ptr = JsonPointer.compile(pointer);
        ObjectNode parent = root;
        while (!ptr.tail().matches()) {
            String name = ptr.getMatchingProperty();
            JsonNode child = parent.get(name);
            if (child == null || child.isNull()) {
                child = parent.putObject(name);
            } else if (!child.isObject()) {
                throw TollgateException.validation(pointer.substring(0, pointer.length()
                        - ptr.tail().toString().length()), "'" + name + "' must be an object");
            }
            parent = (ObjectNode) child;
            ptr = ptr.tail();
        }
        parent.put(ptr.getMatchingProperty(), value);
    }
}
