package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;

/** Building blocks of OpenAI {@code chat.completion} objects and chunks shared by the dialects. */
final class Completions {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The id, creation time and model name (as the caller wrote it) of one completion. */
    record Ids(String id, long created, String model) {
    }

    private Completions() {
    }

    static ObjectNode completion(Ids ids, ArrayNode choices, long promptTokens, long completionTokens) {
        ObjectNode out = NODES.objectNode();
        out.put("id", ids.id());
        out.put("object", "chat.completion");
        out.put("created", ids.created());
        out.put("model", ids.model());
        out.set("choices", choices);
        out.set("usage", usage(promptTokens, completionTokens));
        return out;
    }

    static ObjectNode usage(long promptTokens, long completionTokens) {
        ObjectNode usage = NODES.objectNode();
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return usage;
    }

    /** A choice whose message has the text (null when there is none) and the tool calls (null when none). */
    static ObjectNode choice(int index, String content, ArrayNode toolCalls, String finishReason) {
        ObjectNode choice = NODES.objectNode();
        choice.put("index", index);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", content);
        if (toolCalls != null && !toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return choice;
    }

    static ObjectNode toolCall(String id, String name, String arguments) {
        ObjectNode call = NODES.objectNode();
        call.put("id", id);
        call.put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments);
        return call;
    }

    /** A tool call's {@code arguments} string as the JSON object providers other than OpenAI want. */
    static JsonNode arguments(JsonNode call, String pointer) {
        JsonNode raw = call.path("function").path("arguments");
        if (raw.isMissingNode() || raw.isNull() || (raw.isTextual() && raw.textValue().isBlank())) {
            return NODES.objectNode();
        }
        if (raw.isObject()) {
            return raw;
        }
        try {
            JsonNode parsed = raw.isTextual() ? Json.read(raw.textValue()) : null;
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
            // reported below
        }
        throw TollgateException.validation(pointer + "/function/arguments",
                "tool call arguments must be a JSON object encoded as a string");
    }

    /** Text of a message's content: a string, or the text parts of an array joined. */
    static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.isTextual()) {
                text.append(part.textValue());
            } else if ("text".equals(part.path("type").asText()) || part.has("text")) {
                text.append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }

    /** JSON text of a node, for a tool call's {@code arguments}. */
    static String json(JsonNode node) {
        return Json.write(node == null || node.isMissingNode() || node.isNull() ? NODES.objectNode() : node);
    }

    static long count(JsonNode node) {
        return node != null && node.canConvertToLong() && node.longValue() > 0 ? node.longValue() : 0;
    }
}
