package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonLimits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The idempotency fingerprint of a request body: SHA-256 of its canonical JSON (object members sorted by name at
 * every level, no insignificant whitespace, numbers as parsed), so that key order and formatting do not matter but
 * any change of a value does. Numbers are written plainly ({@code 1.5}, {@code 100}) and, past
 * {@link JsonLimits#text}'s bound, in scientific notation: plain text never contains {@code E}, so the two cannot
 * collide, and no number can make the canonical text huge.
 */
public final class Fingerprints {
    private Fingerprints() {
    }

    public static String of(JsonNode body) {
        StringBuilder sb = new StringBuilder(256);
        canonical(body, sb);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void canonical(JsonNode node, StringBuilder out) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            out.append("null");
        } else if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(names.get(i), out);
                out.append(':');
                canonical(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                canonical(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else if (node.isNumber()) {
            out.append(JsonLimits.text(node.decimalValue().stripTrailingZeros()));
        } else {
            out.append(node.asText());
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
