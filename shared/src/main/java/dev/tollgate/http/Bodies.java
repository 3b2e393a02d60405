package dev.tollgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.TollgateException;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Typed reads of JSON body fields; each failure names the field by JSON pointer. Strings are names, ids and
 * references: bounded in length and free of control characters.
 */
public final class Bodies {
    private Bodies() {
    }

    public static String requireString(JsonNode body, String field, int maxLength) {
        return optionalString(body, field, maxLength)
                .orElseThrow(() -> TollgateException.validation("/" + field, "'" + field + "' is required"));
    }

    public static Optional<String> optionalString(JsonNode body, String field, int maxLength) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw TollgateException.validation("/" + field, "'" + field + "' must be a string");
        }
        String value = node.asText();
        if (value.isBlank()) {
            throw TollgateException.validation("/" + field, "'" + field + "' must not be empty");
        }
        if (value.length() > maxLength) {
            throw TollgateException.validation("/" + field,
                    "'" + field + "' must be at most " + maxLength + " characters");
        }
        if (hasInvisibleControls(value)) {
            throw TollgateException.validation("/" + field, "'" + field
                    + "' must not contain control characters (NUL, line breaks, bidirectional overrides)");
        }
        return Optional.of(value);
    }

    /**
     * A secret field ({@code api_key}): its text as sent, or null when absent or null. Only its type is checked here:
     * the vault validates a secret's format, and neither this nor any error ever echoes it.
     */
    public static String secret(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node != null && !node.isNull() && !node.isTextual()) {
            throw TollgateException.validation("/" + field, "'" + field + "' must be a string");
        }
        return node == null || node.isNull() ? null : node.textValue();
    }

    /**
     * C0/C1 controls and the bidirectional embedding, override and isolate marks: nothing a name, reference or id
     * needs, and the means of making one look like another ({@code U+202E} reverses what follows on screen).
     */
    static boolean hasInvisibleControls(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
                return true;
            }
        }
        return false;
    }

    public static BigDecimal requireDecimal(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw TollgateException.validation("/" + field, "'" + field + "' is required");
        }
        if (!node.isNumber()) {
            throw TollgateException.validation("/" + field, "'" + field + "' must be a number");
        }
        return node.decimalValue();
    }

    public static Optional<Boolean> optionalBoolean(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw TollgateException.validation("/" + field, "'" + field + "' must be true or false");
        }
        return Optional.of(node.booleanValue());
    }
}
