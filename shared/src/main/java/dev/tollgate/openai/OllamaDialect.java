package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.execution.EventStreams;
import java.io.IOException;
import java.io.InputStream;

/**
 * Ollama {@code /api/chat}: messages keep their roles with text content (images as base64 from data: URLs), tool calls
 * carry their arguments as objects, and sampling settings go into {@code options} ({@code max_tokens} is
 * {@code num_predict}). Its stream is JSON lines; the last one ({@code done: true}) has the token counts.
 */
final class OllamaDialect implements ChatDialect {

    @Override
    public ObjectNode nativeInput(ChatRequest request) {
        request.requireSingleChoice("Ollama");
        ObjectNode input = Completions.NODES.objectNode();
        input.put("model", request.target().model());
        ArrayNode messages = input.putArray("messages");
        ArrayNode list = request.messages();
        for (int i = 0; i < list.size(); i++) {
            JsonNode message = list.get(i);
            String role = message.path("role").asText();
            ObjectNode out = messages.addObject();
            out.put("role", switch (role) {
                case "developer" -> "system";
                case "function" -> "tool";
                default -> role;
            });
            out.put("content", Completions.text(message.get("content")));
            ArrayNode images = Completions.NODES.arrayNode();
            for (JsonNode part : message.path("content")) {
                Images.DataUrl image = Images.parse(part.path("image_url").path("url").asText(null));
                if (image != null) {
                    images.add(image.base64());
                }
            }
            if (!images.isEmpty()) {
                out.set("images", images);
            }
            JsonNode calls = message.path("tool_calls");
            if (calls.size() > 0) {
                ArrayNode toolCalls = out.putArray("tool_calls");
                for (int c = 0; c < calls.size(); c++) {
                    JsonNode call = calls.get(c);
                    toolCalls.addObject().putObject("function").put("name", call.path("function").path("name").asText())
                            .set("arguments", Completions.arguments(call, "/messages/" + i + "/tool_calls/" + c));
                }
            }
        }
        ArrayNode tools = request.tools();
        if (tools != null) {
            input.set("tools", tools);
        }
        ObjectNode options = Completions.NODES.objectNode();
        request.maxTokens().ifPresent(max -> options.put("num_predict", max));
        for (String field : new String[] {"temperature", "top_p", "seed", "stop"}) {
            JsonNode value = request.field(field);
            if (value != null) {
                options.set(field, field.equals("stop") && !value.isArray() ? Completions.NODES.arrayNode().add(value) : value);
            }
        }
        if (!options.isEmpty()) {
            input.set("options", options);
        }
        return input;
    }

    @Override
    public ObjectNode completion(JsonNode answer, ChatRequest request, Completions.Ids ids) {
        JsonNode message = answer.path("message");
        ArrayNode calls = toolCalls(message);
        String reason = "length".equals(answer.path("done_reason").asText()) ? "length"
                : calls.isEmpty() ? "stop" : "tool_calls";
        ArrayNode choices = Completions.NODES.arrayNode().add(Completions.choice(0,
                message.path("content").asText(""), calls, reason));
        return Completions.completion(ids, choices, Completions.count(answer.get("prompt_eval_count")),
                Completions.count(answer.get("eval_count")));
    }

    private static ArrayNode toolCalls(JsonNode message) {
        ArrayNode calls = Completions.NODES.arrayNode();
        JsonNode list = message.path("tool_calls");
        for (int c = 0; c < list.size(); c++) {
            JsonNode function = list.get(c).path("function");
            calls.add(Completions.toolCall(list.get(c).path("id").asText("call_" + c), function.path("name").asText(),
                    Completions.json(function.get("arguments"))));
        }
        return calls;
    }

    @Override
    public JsonNode relay(InputStream stream, ChunkSink sink) throws IOException {
        ObjectNode answer = Completions.NODES.objectNode();
        StringBuilder content = new StringBuilder();
        ArrayNode toolCalls = Completions.NODES.arrayNode();
        boolean[] started = new boolean[1];
        EventStreams.jsonLines(stream, (event, data) -> {
            if (data.has("error")) {
                throw EventStreams.streamError("Ollama", data);
            }
            JsonNode message = data.path("message");
            ObjectNode delta = Completions.NODES.objectNode();
            if (!started[0]) {
                delta.put("role", "assistant");
                started[0] = true;
            }
            String text = message.path("content").asText("");
            if (!text.isEmpty()) {
                content.append(text);
                delta.put("content", text);
            }
            ArrayNode calls = toolCalls(message);
            if (!calls.isEmpty()) {
                ArrayNode out = delta.putArray("tool_calls");
                for (JsonNode call : calls) {
                    ObjectNode c = ((ObjectNode) call).deepCopy().put("index", toolCalls.size());
                    ((ObjectNode) c.get("function")).put("name", call.path("function").path("name").asText());
                    out.add(c);
                    toolCalls.add(message.path("tool_calls").get(out.size() - 1));
                }
            }
            boolean done = data.path("done").asBoolean(false);
            String reason = null;
            if (done) {
                data.properties().forEach(e -> {
                    if (!e.getKey().equals("message")) {
                        answer.set(e.getKey(), e.getValue());
                    }
                });
                reason = "length".equals(data.path("done_reason").asText()) ? "length"
                        : toolCalls.isEmpty() ? "stop" : "tool_calls";
            }
            if (!delta.isEmpty() || done) {
                sink.choice(0, delta, reason);
            }
            return !done;
        });
        ObjectNode message = answer.putObject("message");
        message.put("role", "assistant").put("content", content.toString());
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        return answer;
    }
}
