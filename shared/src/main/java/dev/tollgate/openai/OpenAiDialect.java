package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.execution.EventStreams;
import java.io.IOException;
import java.io.InputStream;

/**
 * OpenAI and OpenRouter: the request is already in the provider's terms (only the model loses its prefix), answers and
 * chunks come back with the caller's model name, and the stream always asks for its usage chunk, which prices the call.
 */
final class OpenAiDialect implements ChatDialect {

    @Override
    public ObjectNode nativeInput(ChatRequest request) {
        ObjectNode input = request.body().deepCopy();
        input.remove(java.util.List.of("stream", "stream_options", "workspace"));
        input.put("model", request.target().model());
        return input;
    }

    @Override
    public ObjectNode completion(JsonNode answer, ChatRequest request, Completions.Ids ids) {
        ObjectNode out = answer.isObject() ? ((ObjectNode) answer).deepCopy() : Completions.NODES.objectNode();
        out.put("model", ids.model());
        if (!out.hasNonNull("id")) {
            out.put("id", ids.id());
        }
        // OpenAI-compatible servers may leave these out; OpenAI's clients require them.
        if (!out.path("created").isIntegralNumber()) {
            out.put("created", ids.created());
        }
        if (!out.path("object").isTextual()) {
            out.put("object", "chat.completion");
        }
        return out;
    }

    @Override
    public ObjectNode streamingInput(ObjectNode input) {
        ObjectNode streaming = input.deepCopy();
        streaming.put("stream", true);
        streaming.putObject("stream_options").put("include_usage", true);
        return streaming;
    }

    @Override
    public JsonNode relay(InputStream stream, ChunkSink sink) throws IOException {
        StreamedChoices choices = new StreamedChoices();
        ObjectNode[] head = new ObjectNode[1];
        JsonNode[] usage = new JsonNode[1];
        EventStreams.sse(stream, (event, data) -> {
            if (data.has("error")) {
                throw EventStreams.streamError("The provider", data);
            }
            if (head[0] == null) {
                head[0] = (ObjectNode) data;
            }
            if (data.path("usage").isObject()) {
                usage[0] = data.get("usage");
            }
            JsonNode list = data.path("choices");
            if (list.isEmpty()) {
                return true;
            }
            for (JsonNode choice : list) {
                StreamedChoices.Choice into = choices.choice(choice.path("index").asInt());
                JsonNode delta = choice.path("delta");
                if (delta.path("content").isTextual()) {
                    into.text(delta.get("content").textValue());
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    into.toolCall(call.path("index").asInt(), text(call.get("id")), text(call.path("function").get("name")),
                            text(call.path("function").get("arguments")));
                }
                if (choice.path("finish_reason").isTextual()) {
                    into.finishReason = choice.get("finish_reason").textValue();
                }
            }
            ObjectNode forwarded = ((ObjectNode) data).deepCopy();
            forwarded.remove("usage");
            sink.forward(forwarded);
            return true;
        });
        return assembled(head[0], choices, usage[0]);
    }

    /** The chat.completion the non-streamed endpoint would have answered. */
    private static ObjectNode assembled(ObjectNode head, StreamedChoices choices, JsonNode usage) {
        ObjectNode out = Completions.NODES.objectNode();
        out.put("id", head == null ? null : head.path("id").asText(null));
        out.put("object", "chat.completion");
        out.put("created", head == null ? 0 : head.path("created").asLong());
        out.put("model", head == null ? null : head.path("model").asText(null));
        ArrayNode list = out.putArray("choices");
        choices.all().forEach((index, choice) -> list.add(Completions.choice(index,
                choice.hasContent ? choice.content.toString() : null, choice.toolCallsJson(), choice.finishReason)));
        if (usage != null) {
            out.set("usage", usage);
        }
        return out;
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
