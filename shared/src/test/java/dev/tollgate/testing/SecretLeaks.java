package dev.tollgate.testing;

import dev.tollgate.store.Tables;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A leak detector for canary scans, written independently of the product's redactor: a secret has leaked when a
 * text holds any 8-character run of its secret part (the part after its public prefix such as {@code sk-proj-}) in
 * raw, URL-encoded (either hex case) or JSON-escaped form, any 12 characters of its base64 (either alphabet, any
 * byte alignment) that depend on secret-part bytes only, or any 16 characters of its hex.
 *
 * <p>An encoded run is the encoding of 8 characters of the secret, never 8 characters of an encoding: the six
 * characters that escape a {@code :} are not secret, and followed by two digits of a port they are also what an
 * escaped {@code "maxOutputTokens":4096} holds.
 */
public final class SecretLeaks {

    /** A planted secret; {@code publicLength} is where its public prefix ends. */
    public record Canary(String label, String secret, int publicLength) {
        public String secretPart() {
            return secret.substring(publicLength);
        }
    }

    private final Map<Integer, Map<String, String>> byLength = new HashMap<>();

    public SecretLeaks(List<Canary> canaries) {
        for (Canary c : canaries) {
            String part = c.secretPart();
            for (int i = 0; i + 8 <= part.length(); i++) {
                String run = part.substring(i, i + 8);
                String url = URLEncoder.encode(run, StandardCharsets.UTF_8);
                for (String form : List.of(run, url, lowerPercent(url), run.replace("/", "\\/"), unicodeEscaped(run))) {
                    byLength.computeIfAbsent(form.length(), k -> new HashMap<>()).put(form, c.label());
                }
            }
            windows(HexFormat.of().formatHex(part.getBytes(StandardCharsets.UTF_8)), 16, c.label() + " (hex)");
            byte[] secret = c.secret().getBytes(StandardCharsets.UTF_8);
            int publicBytes = c.secret().substring(0, c.publicLength()).getBytes(StandardCharsets.UTF_8).length;
            for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                for (int shift = 0; shift < 3; shift++) {
                    byte[] stream = new byte[shift + secret.length];
                    System.arraycopy(secret, 0, stream, shift, secret.length);
                    String encoded = encoder.withoutPadding().encodeToString(stream);
                    int from = (8 * (shift + publicBytes) + 5) / 6;
                    int to = 8 * (shift + secret.length) / 6;
                    windows(encoded.substring(from, to), 12, c.label() + " (base64)");
                }
            }
        }
    }

    private void windows(String form, int length, String label) {
        for (int i = 0; i + length <= form.length(); i++) {
            byLength.computeIfAbsent(length, k -> new HashMap<>()).put(form.substring(i, i + length), label);
        }
    }

    /** How many distinct runs are looked for. */
    public int size() {
        return byLength.values().stream().mapToInt(Map::size).sum();
    }

    /** One line per leaked secret found in {@code text}, with some context; empty when there is none. */
    public List<String> find(String where, String text) {
        List<String> hits = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        for (Map.Entry<Integer, Map<String, String>> entry : byLength.entrySet()) {
            int length = entry.getKey();
            for (int i = 0; i + length <= text.length(); i++) {
                String label = entry.getValue().get(text.substring(i, i + length));
                if (label != null && reported.add(label)) {
                    int from = Math.max(0, i - 60);
                    hits.add(where + ": " + label + " at …" + text.substring(from, Math.min(text.length(), i + length + 60)) + "…");
                }
            }
        }
        return hits;
    }

    /** Every character that is not an ASCII letter or digit as a backslash-u escape. */
    public static String unicodeEscaped(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            sb.append(plain ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return sb.toString();
    }

    /** A percent-encoded string with lower-case hex digits. */
    public static String lowerPercent(String encoded) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                sb.append('%').append(encoded.substring(i + 1, i + 3).toLowerCase(Locale.ROOT));
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Every attribute of every item of every Tollgate table as text, binary attributes as UTF-8 and, when they are
     * gzip (stored responses), decompressed too. Returns the text and counts items in {@code items[0]}.
     */
    public static String tables(DynamoDbClient dynamo, Tables t, int[] items) {
        StringBuilder all = new StringBuilder();
        for (String table : List.of(t.accounts(), t.apiKeys(), t.ledger(), t.holds(), t.idempotency(), t.providerKeys(),
                t.usage(), t.audit())) {
            dynamo.scanPaginator(b -> b.tableName(table)).items().forEach(item -> {
                items[0]++;
                all.append(table).append(':');
                item.forEach((name, value) -> all.append(name).append('=').append(flatten(value)).append(';'));
                all.append('\n');
            });
        }
        return all.toString();
    }

    private static String flatten(AttributeValue v) {
        if (v.s() != null) {
            return v.s();
        }
        if (v.n() != null) {
            return v.n();
        }
        if (v.b() != null) {
            byte[] bytes = v.b().asByteArray();
            String text = new String(bytes, StandardCharsets.UTF_8);
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                text += "|" + new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException notGzip) {
                // stored as it is
            }
            return text;
        }
        if (v.hasM()) {
            StringBuilder sb = new StringBuilder("{");
            v.m().forEach((k, x) -> sb.append(k).append(':').append(flatten(x)).append(','));
            return sb.append('}').toString();
        }
        if (v.hasL()) {
            StringBuilder sb = new StringBuilder("[");
            v.l().forEach(x -> sb.append(flatten(x)).append(','));
            return sb.append(']').toString();
        }
        if (v.hasSs()) {
            return String.join(",", v.ss());
        }
        return String.valueOf(v);
    }
}
