package dev.tollgate.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.TollgateException;
import java.math.BigDecimal;
import java.util.Optional;

/** Typed reads of JSON body fields; each failure names the field by JSON pointer. */
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
        return Optional.of(value);
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
