package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.EventStreams;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic Messages: system and developer messages become {@code system}; assistant tool calls become
 * {@code tool_use} blocks and tool messages {@code tool_result} blocks (consecutive turns of one role merged, as the
 * API wants them alternating); {@code max_tokens} is required there, so it defaults to 4096. In a stream the input
 * tokens come with {@code message_start} and the output tokens with {@code message_delta}.
 */
final class AnthropicDialect implements ChatDialect {
    static final long DEFAULT_MAX_TOKENS = 4096;

    @Override
    public ObjectNode nativeInput(ChatRequest request) {
        request.requireSingleChoice("Anthropic");
        ObjectNode input = Completions.NODES.objectNode();
        input.put("model", request.target().model());
        input.put("max_tokens", request.maxTokens().orElse(DEFAULT_MAX_TOKENS));
        List<String> system = new ArrayList<>();
        ArrayNode messages = input.putArray("messages");
        ArrayNode list = request.messages();
        for (int i = 0; i < list.size(); i++) {
            JsonNode message = list.get(i);
            String role = message.path("role").asText();
            String pointer = "/messages/" + i;
            switch (role) {
                case "system", "developer" -> system.add(Completions.text(message.get("content")));
                case "user" -> append(messages, "user", userBlocks(message.get("content"), pointer));
                case "assistant" -> append(messages, "assistant", assistantBlocks(message, pointer));
                default -> {
                    ObjectNode result = Completions.NODES.objectNode();
                    result.put("type", "tool_result");
                    result.put("tool_use_id", message.path("tool_call_id").asText(""));
                    result.put("content", Completions.text(message.get("content")));
                    append(messages, "user", Completions.NODES.arrayNode().add(result));
                }
            }
        }
        if (messages.isEmpty()) {
            throw TollgateException.validation("/messages", "Anthropic needs at least one user or assistant message");
        }
        if (!system.isEmpty()) {
            input.put("system", String.join("\n\n", system));
        }
        copy(request.field("temperature"), input, "temperature");
        copy(request.field("top_p"), input, "top_p");
        JsonNode stop = request.field("stop");
        if (stop != null) {
            input.set("stop_sequences", stop.isArray() ? stop : Completions.NODES.arrayNode().add(stop));
        }
        ArrayNode tools = request.tools();
        if (tools != null) {
            ArrayNode out = input.putArray("tools");
            for (JsonNode tool : tools) {
                JsonNode function = tool.path("function");
                ObjectNode t = out.addObject();
                t.put("name", function.path("name").asText());
                if (function.path("description").isTextual()) {
                    t.put("description", function.get("description").textValue());
                }
                t.set("input_schema", function.path("parameters").isObject() ? function.get("parameters")
                        : Completions.NODES.objectNode().put("type", "object"));
            }
        }
        JsonNode choice = request.field("tool_choice");
        if (choice != null && tools != null) {
            ObjectNode c = Completions.NODES.objectNode();
            if (choice.isTextual()) {
                c.put("type", switch (choice.textValue()) {
                    case "required" -> "any";
                    case "none" -> "none";
                    default -> "auto";
                });
            } else {
                c.put("type", "tool").put("name", choice.path("function").path("name").asText());
            }
            input.set("tool_choice", c);
        }
        JsonNode user = request.field("user");
        if (user != null && user.isTextual()) {
            input.putObject("metadata").put("user_id", user.textValue());
        }
        return input;
    }

    private static void copy(JsonNode value, ObjectNode into, String name) {
        if (value != null) {
            into.set(name, value);
        }
    }

    /** Adds blocks as a turn of {@code role}, merged into the previous turn when it has the same role. */
    private static void append(ArrayNode messages, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        JsonNode last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("content")).addAll(blocks);
        } else {
            messages.addObject().put("role", role).set("content", blocks);
        }
    }

    private static ArrayNode userBlocks(JsonNode content, String pointer) {
        ArrayNode blocks = Completions.NODES.arrayNode();
        if (content == null || content.isNull() || content.isTextual()) {
            String text = content == null || content.isNull() ? "" : content.textValue();
            blocks.addObject().put("type", "text").put("text", text);
            return blocks;
        }
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            String type = part.path("type").asText();
            if (type.equals("text")) {
                blocks.addObject().put("type", "text").put("text", part.path("text").asText(""));
            } else if (type.equals("image_url")) {
                String url = part.path("image_url").path("url").asText("");
                ObjectNode source = Completions.NODES.objectNode();
                Images.DataUrl data = Images.parse(url);
                if (data != null) {
                    source.put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64());
                } else {
                    source.put("type", "url").put("url", url);
                }
                blocks.addObject().put("type", "image").set("source", source);
            } else {
                throw TollgateException.validation(pointer + "/content/" + p + "/type",
                        "Anthropic models take text and image_url content parts");
            }
        }
        return blocks;
    }

    private static ArrayNode assistantBlocks(JsonNode message, String pointer) {
        ArrayNode blocks = Completions.NODES.arrayNode();
        String text = Completions.text(message.get("content"));
        if (!text.isEmpty()) {
            blocks.addObject().put("type", "text").put("text", text);
        }
        JsonNode calls = message.path("tool_calls");
        for (int c = 0; c < calls.size(); c++) {
            JsonNode call = calls.get(c);
            ObjectNode use = blocks.addObject();
            use.put("type", "tool_use");
            use.put("id", call.path("id").asText("call_" + c));
            use.put("name", call.path("function").path("name").asText());
            use.set("input", Completions.arguments(call, pointer + "/tool_calls/" + c));
        }
        return blocks;
    }

    @Override
    public ObjectNode completion(JsonNode answer, ChatRequest request, Completions.Ids ids) {
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        ArrayNode calls = Completions.NODES.arrayNode();
        for (JsonNode block : answer.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    hasText = true;
                    text.append(block.path("text").asText(""));
                }
                case "tool_use" -> calls.add(Completions.toolCall(block.path("id").asText(),
                        block.path("name").asText(), Completions.json(block.get("input"))));
                default -> {
                    // thinking and other blocks have no Chat Completions counterpart
                }
            }
        }
        ArrayNode choices = Completions.NODES.arrayNode().add(Completions.choice(0, hasText ? text.toString() : null,
                calls, finishReason(answer.path("stop_reason").asText(null))));
        JsonNode usage = answer.path("usage");
        return Completions.completion(ids, choices, inputTokens(usage), Completions.count(usage.get("output_tokens")));
    }

    static long inputTokens(JsonNode usage) {
        return Completions.count(usage.get("input_tokens")) + Completions.count(usage.get("cache_creation_input_tokens"))
                + Completions.count(usage.get("cache_read_input_tokens"));
    }

    static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    @Override
    public JsonNode relay(InputStream stream, ChunkSink sink) throws IOException {
        ObjectNode message = Completions.NODES.objectNode();
        message.put("type", "message");
        message.put("role", "assistant");
        ArrayNode content = message.putArray("content");
        ObjectNode usage = message.putObject("usage");
        // Anthropic numbers content blocks across text and tool_use; OpenAI numbers tool calls alone.
        java.util.Map<Integer, Integer> toolIndex = new java.util.HashMap<>();
        java.util.Map<Integer, StringBuilder> toolInput = new java.util.HashMap<>();
        EventStreams.sse(stream, (event, data) -> {
            String type = data.path("type").asText(event == null ? "" : event);
            switch (type) {
                case "message_start" -> {
                    JsonNode start = data.path("message");
                    message.put("id", start.path("id").asText(null));
                    message.put("model", start.path("model").asText(null));
                    start.path("usage").properties().forEach(e -> usage.set(e.getKey(), e.getValue()));
                    sink.choice(0, Completions.NODES.objectNode().put("role", "assistant").put("content", ""), null);
                }
                case "content_block_start" -> {
                    JsonNode block = data.path("content_block");
                    int index = data.path("index").asInt();
                    content.add(((ObjectNode) block).deepCopy());
                    if ("tool_use".equals(block.path("type").asText())) {
                        int call = toolIndex.size();
                        toolIndex.put(index, call);
                        toolInput.put(index, new StringBuilder());
                        ObjectNode delta = Completions.NODES.objectNode();
                        ObjectNode tc = delta.putArray("tool_calls").addObject();
                        tc.put("index", call).put("id", block.path("id").asText()).put("type", "function");
                        tc.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
                        sink.choice(0, delta, null);
                    }
                }
                case "content_block_delta" -> {
                    int index = data.path("index").asInt();
                    JsonNode delta = data.path("delta");
                    if ("text_delta".equals(delta.path("type").asText())) {
                        String text = delta.path("text").asText("");
                        ObjectNode block = blockAt(content, index);
                        block.put("text", block.path("text").asText("") + text);
                        sink.choice(0, Completions.NODES.objectNode().put("content", text), null);
                    } else if ("input_json_delta".equals(delta.path("type").asText()) && toolIndex.containsKey(index)) {
                        String part = delta.path("partial_json").asText("");
                        toolInput.get(index).append(part);
                        ObjectNode out = Completions.NODES.objectNode();
                        out.putArray("tool_calls").addObject().put("index", toolIndex.get(index))
                                .putObject("function").put("arguments", part);
                        sink.choice(0, out, null);
                    }
                }
                case "message_delta" -> {
                    String stop = data.path("delta").path("stop_reason").asText(null);
                    message.put("stop_reason", stop);
                    data.path("usage").properties().forEach(e -> usage.set(e.getKey(), e.getValue()));
                    sink.choice(0, Completions.NODES.objectNode(), finishReason(stop));
                }
                case "message_stop" -> {
                    return false;
                }
                case "error" -> throw EventStreams.streamError("Anthropic", data);
                default -> {
                    // ping, content_block_stop
                }
            }
            return true;
        });
        toolInput.forEach((index, json) -> {
            ObjectNode block = blockAt(content, index);
            try {
                block.set("input", json.length() == 0 ? Completions.NODES.objectNode() : dev.tollgate.json.Json.read(json.toString()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                block.put("input_json", json.toString());
            }
        });
        return message;
    }

    private static ObjectNode blockAt(ArrayNode content, int index) {
        while (content.size() <= index) {
            content.addObject().put("type", "text").put("text", "");
        }
        return (ObjectNode) content.get(index);
    }
}
