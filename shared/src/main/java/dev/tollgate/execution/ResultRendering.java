package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Renders a provider's result once, into a counter, after the provider answered and before any money moves. A result
 * the response writers would fail on — a number the product mapper cannot write plainly (an exponent beyond ±9999, as
 * a customer's own Ollama server can send), nesting deeper than the writers allow, or a rendering too large for a
 * Lambda response — is then an upstream error while the hold can still be released, not a 500 after the capture.
 * The final response is written by the same mapper from the same tree, so what renders here renders there.
 */
final class ResultRendering {
    /** Lambda's response payload limit, less room for the billing object and the response envelope. */
    static final long MAX_PAYLOAD_BYTES = 6L * 1024 * 1024 - 64 * 1024;
    /**
     * How deep a result is nested when it is finally written: inside the REST body, or inside an MCP tool result, its
     * JSON-RPC response and a batch array. Rendered this deep, the writers' nesting limit is checked with that margin.
     */
    private static final int ENVELOPE_DEPTH = 6;

    private ResultRendering() {
    }

    /**
     * @throws TollgateException {@code upstream_response_too_large} if the rendering would not fit in a response,
     *                           {@code upstream_error} if the result cannot be rendered at all
     */
    static void requireRenderable(JsonNode result) {
        JsonNode nested = result;
        for (int i = 0; i < ENVELOPE_DEPTH; i++) {
            ArrayNode wrapper = Json.MAPPER.createArrayNode();
            wrapper.add(nested);
            nested = wrapper;
        }
        try {
            Json.MAPPER.writeValue(new PayloadCounter(), nested);
        } catch (PayloadTooLarge e) {
            throw new TollgateException(ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE, "The provider's answer is too large for "
                    + "Tollgate to return once rendered as JSON; nothing was charged",
                    Map.of("limit_bytes", MAX_PAYLOAD_BYTES));
        } catch (IOException | RuntimeException e) {
            throw new TollgateException(ErrorCode.UPSTREAM_ERROR, "The provider's answer holds a value Tollgate cannot "
                    + "return (for example a number with an exponent beyond 9999, or nesting too deep); nothing was "
                    + "charged");
        }
    }

    /**
     * Counts the bytes a rendering takes in the Lambda response, where the body is itself a JSON string: every quote
     * and backslash of it is escaped once more.
     */
    private static final class PayloadCounter extends OutputStream {
        private long bytes;

        @Override
        public void write(int b) throws IOException {
            count(b);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                count(buffer[i]);
            }
        }

        private void count(int b) throws PayloadTooLarge {
            bytes += b == '"' || b == '\\' ? 2 : 1;
            if (bytes > MAX_PAYLOAD_BYTES) {
                throw new PayloadTooLarge();
            }
        }
    }

    private static final class PayloadTooLarge extends IOException {
        PayloadTooLarge() {
            super(null, null);
        }
    }
}
