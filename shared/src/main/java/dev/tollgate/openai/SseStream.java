package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ResponseStream;
import dev.tollgate.json.Json;
import dev.tollgate.log.SecretRedactor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streamed chat completion as Server-Sent Events: {@code data: <chat.completion.chunk>} events, then the usage chunk
 * when asked for, then {@code data: [DONE]}. The response starts (status 200 and headers) with the first chunk, so a
 * call that fails before the provider's first event is answered with a normal error response instead.
 */
final class SseStream implements ChunkSink {
    private final ResponseStream out;
    private final Completions.Ids ids;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private SecretRedactor secrets = SecretRedactor.none();
    private DeltaRedaction deltas = new DeltaRedaction(SecretRedactor.none());

    SseStream(ResponseStream out, Completions.Ids ids, String requestId) {
        this.out = out;
        this.ids = ids;
        headers.put("Content-Type", "text/event-stream; charset=utf-8");
        headers.put("Cache-Control", "no-cache");
        headers.put("X-Request-Id", requestId);
    }

    /** A header to send with the first chunk. */
    void header(String name, String value) {
        headers.put(name, value);
    }

    boolean started() {
        return out.started();
    }

    /**
     * From now on nothing goes out with a secret of the call in it: deltas are redacted across their boundaries, and
     * every event as a whole. Set once the key is known, before the provider's first event.
     */
    void redactWith(SecretRedactor secrets) {
        this.secrets = secrets;
        this.deltas = new DeltaRedaction(secrets);
    }

    /** The provider's stream ended: what the redaction held back goes out, for each choice. */
    void endOfProviderStream() {
        deltas.rest().forEach((index, delta) -> choice(index, delta, null));
    }

    @Override
    public void choice(int index, ObjectNode delta, String finishReason) {
        deltas.apply(index, delta, finishReason != null);
        ObjectNode chunk = chunk();
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        send(chunk);
    }

    @Override
    public void forward(ObjectNode chunk) {
        for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("delta").isObject()) {
                deltas.apply(choice.path("index").asInt(), (ObjectNode) choice.get("delta"),
                        choice.path("finish_reason").isTextual());
            }
        }
        chunk.put("id", ids.id());
        chunk.put("model", ids.model());
        send(chunk);
    }

    /** A whole completion as a stream (an idempotent replay): one chunk per choice, then its finish reason. */
    void replay(JsonNode completion) {
        for (JsonNode choice : completion.path("choices")) {
            ObjectNode delta = ((ObjectNode) choice.path("message")).deepCopy();
            delta.remove("refusal");
            JsonNode calls = delta.path("tool_calls");
            for (int i = 0; i < calls.size(); i++) {
                ((ObjectNode) calls.get(i)).put("index", i);
            }
            choice(choice.path("index").asInt(), delta, null);
            choice(choice.path("index").asInt(), Completions.NODES.objectNode(), choice.path("finish_reason").asText("stop"));
        }
    }

    /** The final chunk with no choices and the completion's usage ({@code stream_options.include_usage}). */
    void usage(JsonNode usage) {
        ObjectNode chunk = chunk();
        chunk.putArray("choices");
        chunk.set("usage", usage);
        send(chunk);
    }

    /** What the call cost, as an SSE comment (clients ignore it; the headers went out before it was known). */
    void billing(JsonNode billing) {
        write(": tollgate-billing " + Json.write(billing) + "\n\n");
    }

    void done() {
        write("data: [DONE]\n\n");
    }

    /** A failure after the stream began: an error event, as OpenAI streams report one; no [DONE] follows. */
    void error(TollgateException e, String requestId) {
        write("data: " + Json.write(Map.of("error", OpenAiErrors.error(e, requestId))) + "\n\n");
    }

    private ObjectNode chunk() {
        ObjectNode chunk = Completions.NODES.objectNode();
        chunk.put("id", ids.id());
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", ids.created());
        chunk.put("model", ids.model());
        return chunk;
    }

    private void send(ObjectNode chunk) {
        write("data: " + secrets.redact(Json.write(chunk)) + "\n\n");
    }

    private void write(String event) {
        try {
            if (!out.started()) {
                out.start(200, headers);
            }
            OutputStream body = out.body();
            body.write(event.getBytes(StandardCharsets.UTF_8));
            body.flush();
        } catch (IOException clientGone) {
            throw new TollgateException(ErrorCode.CLIENT_CLOSED_REQUEST,
                    "The client closed the connection during the stream; nothing was charged");
        }
    }
}
