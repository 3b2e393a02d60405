package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How a response is kept in the idempotency table (DynamoDB items are limited to 400 KB): as JSON when small,
 * gzip-compressed above {@link #COMPRESS_ABOVE}, and, if still above {@link #MAX_STORED} compressed, as the billing
 * object alone with {@code "result": null, "result_stored": false} — a replay then says what was charged without
 * being able to repeat the provider's answer.
 */
public final class StoredResponses {
    static final int COMPRESS_ABOVE = 8 * 1024;
    static final int MAX_STORED = 350 * 1024;

    /** What to write: bytes, whether they are gzip, and whether the result is in them. */
    public record Encoded(byte[] bytes, boolean gzip, boolean resultStored) {
    }

    private StoredResponses() {
    }

    public static Encoded encode(ObjectNode body) {
        return encode(body, () -> {
            ObjectNode withoutResult = body.deepCopy();
            withoutResult.putNull("result");
            withoutResult.put("result_stored", false);
            return withoutResult;
        });
    }

    /** {@link #encode(ObjectNode)} for any document: {@code withoutResult} is what to keep when it is too large. */
    public static Encoded encode(ObjectNode body, Supplier<ObjectNode> withoutResult) {
        byte[] json = Json.write(body).getBytes(StandardCharsets.UTF_8);
        if (json.length <= COMPRESS_ABOVE) {
            return new Encoded(json, false, true);
        }
        byte[] compressed = gzip(json);
        if (compressed.length <= MAX_STORED) {
            return new Encoded(compressed, true, true);
        }
        return new Encoded(Json.write(withoutResult.get()).getBytes(StandardCharsets.UTF_8), false, false);
    }

    public static ObjectNode decode(byte[] bytes, boolean gzip) {
        byte[] json = gzip ? gunzip(bytes) : bytes;
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] data) {
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return z.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
