package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.EventStreams;
import dev.tollgate.execution.UpstreamRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gemini generateContent: assistant turns are {@code model} turns, tool calls {@code functionCall} parts and tool
 * results {@code functionResponse} parts (named by the call they answer); system and developer messages become
 * {@code systemInstruction}, sampling settings {@code generationConfig} ({@code n} is {@code candidateCount}).
 * Streaming uses {@code :streamGenerateContent?alt=sse}, whose last event carries the complete {@code usageMetadata}.
 */
final class GeminiDialect implements ChatDialect {
    private static final int MAX_CANDIDATES = 8;

    @Override
    public ObjectNode nativeInput(ChatRequest request) {
        if (request.choices() > MAX_CANDIDATES) {
            throw TollgateException.validation("/n", "Gemini models return at most " + MAX_CANDIDATES + " choices");
        }
        ObjectNode input = Completions.NODES.objectNode();
        input.put("model", request.target().model());
        ArrayNode contents = input.putArray("contents");
        List<String> system = new ArrayList<>();
        Map<String, String> callNames = new HashMap<>();
        ArrayNode list = request.messages();
        for (int i = 0; i < list.size(); i++) {
            JsonNode message = list.get(i);
            String pointer = "/messages/" + i;
            switch (message.path("role").asText()) {
                case "system", "developer" -> system.add(Completions.text(message.get("content")));
                case "user" -> append(contents, "user", userParts(message.get("content"), pointer));
                case "assistant" -> {
                    ArrayNode parts = Completions.NODES.arrayNode();
                    String text = Completions.text(message.get("content"));
                    if (!text.isEmpty()) {
                        parts.addObject().put("text", text);
                    }
                    JsonNode calls = message.path("tool_calls");
                    for (int c = 0; c < calls.size(); c++) {
                        JsonNode call = calls.get(c);
                        String name = call.path("function").path("name").asText();
                        callNames.put(call.path("id").asText(""), name);
                        parts.addObject().putObject("functionCall").put("name", name)
                                .set("args", Completions.arguments(call, pointer + "/tool_calls/" + c));
                    }
                    append(contents, "model", parts);
                }
                default -> {
                    String name = message.path("name").isTextual() ? message.get("name").textValue()
                            : callNames.get(message.path("tool_call_id").asText(""));
                    if (name == null) {
                        throw TollgateException.validation(pointer + "/tool_call_id",
                                "a tool message must answer a tool call of an earlier assistant message");
                    }
                    ObjectNode response = Completions.NODES.objectNode();
                    response.put("name", name).set("response", toolResult(message.get("content")));
                    ArrayNode parts = Completions.NODES.arrayNode();
                    parts.addObject().set("functionResponse", response);
                    append(contents, "user", parts);
                }
            }
        }
        if (contents.isEmpty()) {
            throw TollgateException.validation("/messages", "Gemini needs at least one user or assistant message");
        }
        if (!system.isEmpty()) {
            input.putObject("systemInstruction").putArray("parts").addObject().put("text", String.join("\n\n", system));
        }
        ObjectNode config = Completions.NODES.objectNode();
        request.maxTokens().ifPresent(max -> config.put("maxOutputTokens", max));
        copy(request.field("temperature"), config, "temperature");
        copy(request.field("top_p"), config, "topP");
        JsonNode stop = request.field("stop");
        if (stop != null) {
            config.set("stopSequences", stop.isArray() ? stop : Completions.NODES.arrayNode().add(stop));
        }
        if (request.choices() > 1) {
            config.put("candidateCount", request.choices());
        }
        copy(request.field("seed"), config, "seed");
        if (!config.isEmpty()) {
            input.set("generationConfig", config);
        }
        ArrayNode tools = request.tools();
        if (tools != null) {
            ArrayNode declarations = input.putArray("tools").addObject().putArray("functionDeclarations");
            for (JsonNode tool : tools) {
                JsonNode function = tool.path("function");
                ObjectNode d = declarations.addObject();
                d.put("name", function.path("name").asText());
                if (function.path("description").isTextual()) {
                    d.put("description", function.get("description").textValue());
                }
                if (function.path("parameters").isObject()) {
                    d.set("parameters", function.get("parameters"));
                }
            }
            JsonNode choice = request.field("tool_choice");
            if (choice != null) {
                ObjectNode calling = input.putObject("toolConfig").putObject("functionCallingConfig");
                if (choice.isTextual()) {
                    calling.put("mode", switch (choice.textValue()) {
                        case "required" -> "ANY";
                        case "none" -> "NONE";
                        default -> "AUTO";
                    });
                } else {
                    calling.put("mode", "ANY").putArray("allowedFunctionNames")
                            .add(choice.path("function").path("name").asText());
                }
            }
        }
        return input;
    }

    private static void copy(JsonNode value, ObjectNode into, String name) {
        if (value != null) {
            into.set(name, value);
        }
    }

    private static void append(ArrayNode contents, String role, ArrayNode parts) {
        if (parts.isEmpty()) {
            return;
        }
        JsonNode last = contents.isEmpty() ? null : contents.get(contents.size() - 1);
        if (last != null && role.equals(last.path("role").asText())) {
            ((ArrayNode) last.get("parts")).addAll(parts);
        } else {
            contents.addObject().put("role", role).set("parts", parts);
        }
    }

    private static ArrayNode userParts(JsonNode content, String pointer) {
        ArrayNode parts = Completions.NODES.arrayNode();
        if (content == null || content.isNull() || content.isTextual()) {
            parts.addObject().put("text", content == null || content.isNull() ? "" : content.textValue());
            return parts;
        }
        for (int p = 0; p < content.size(); p++) {
            JsonNode part = content.get(p);
            String type = part.path("type").asText();
            Images.DataUrl image = type.equals("image_url") ? Images.parse(part.path("image_url").path("url").asText()) : null;
            if (type.equals("text")) {
                parts.addObject().put("text", part.path("text").asText(""));
            } else if (image != null) {
                parts.addObject().putObject("inlineData").put("mimeType", image.mediaType()).put("data", image.base64());
            } else {
                throw TollgateException.validation(pointer + "/content/" + p,
                        "Gemini models take text parts and images as data: URLs");
            }
        }
        return parts;
    }

    /** A tool message's content as the object Gemini wants: the JSON object it holds, else {"result": text}. */
    private static JsonNode toolResult(JsonNode content) {
        String text = Completions.text(content);
        try {
            JsonNode parsed = dev.tollgate.json.Json.read(text);
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            // plain text
        }
        return Completions.NODES.objectNode().put("result", text);
    }

    @Override
    public ObjectNode completion(JsonNode answer, ChatRequest request, Completions.Ids ids) {
        ArrayNode choices = Completions.NODES.arrayNode();
        JsonNode candidates = answer.path("candidates");
        for (int i = 0; i < candidates.size(); i++) {
            JsonNode candidate = candidates.get(i);
            StringBuilder text = new StringBuilder();
            boolean hasText = false;
            ArrayNode calls = Completions.NODES.arrayNode();
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.path("thought").asBoolean(false)) {
                    continue;
                }
                if (part.path("text").isTextual()) {
                    hasText = true;
                    text.append(part.get("text").textValue());
                } else if (part.path("functionCall").isObject()) {
                    JsonNode call = part.get("functionCall");
                    calls.add(Completions.toolCall(call.path("id").asText("call_" + i + "_" + calls.size()),
                            call.path("name").asText(), Completions.json(call.get("args"))));
                }
            }
            choices.add(Completions.choice(candidate.path("index").asInt(i), hasText ? text.toString() : null, calls,
                    finishReason(candidate.path("finishReason").asText(null), !calls.isEmpty())));
        }
        JsonNode usage = answer.path("usageMetadata");
        return Completions.completion(ids, choices, Completions.count(usage.get("promptTokenCount")),
                Completions.count(usage.get("candidatesTokenCount")) + Completions.count(usage.get("thoughtsTokenCount")));
    }

    static String finishReason(String reason, boolean calledTools) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> calledTools ? "tool_calls" : "stop";
        };
    }

    @Override
    public ObjectNode streamingInput(ObjectNode input) {
        return input;
    }

    @Override
    public UpstreamRequest streamingRequest(UpstreamRequest request) {
        URI uri = request.uri();
        String path = uri.getRawPath().replace(":generateContent", ":streamGenerateContent");
        String query = uri.getRawQuery() == null ? "alt=sse" : uri.getRawQuery() + "&alt=sse";
        URI streaming = URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + path + "?" + query);
        return new UpstreamRequest(request.method(), streaming, request.headers(), request.body(), request.timeout(),
                request.customerHost());
    }

    @Override
    public JsonNode relay(InputStream stream, ChunkSink sink) throws IOException {
        Map<Integer, ObjectNode> candidates = new java.util.TreeMap<>();
        Map<Integer, Integer> calls = new HashMap<>();
        ObjectNode answer = Completions.NODES.objectNode();
        boolean[] started = new boolean[1];
        EventStreams.sse(stream, (event, data) -> {
            if (data.has("error")) {
                throw EventStreams.streamError("Gemini", data);
            }
            if (data.path("usageMetadata").isObject()) {
                answer.set("usageMetadata", data.get("usageMetadata"));
            }
            if (data.hasNonNull("modelVersion")) {
                answer.set("modelVersion", data.get("modelVersion"));
            }
            if (data.hasNonNull("responseId")) {
                answer.set("responseId", data.get("responseId"));
            }
            for (JsonNode candidate : data.path("candidates")) {
                int index = candidate.path("index").asInt(0);
                ObjectNode into = candidates.computeIfAbsent(index, i -> {
                    ObjectNode c = Completions.NODES.objectNode().put("index", i);
                    c.putObject("content").put("role", "model").putArray("parts");
                    return c;
                });
                ArrayNode parts = (ArrayNode) into.get("content").get("parts");
                ObjectNode delta = Completions.NODES.objectNode();
                if (!started[0]) {
                    delta.put("role", "assistant");
                }
                for (JsonNode part : candidate.path("content").path("parts")) {
                    if (part.path("thought").asBoolean(false)) {
                        continue;
                    }
                    parts.add(part);
                    if (part.path("text").isTextual()) {
                        delta.put("content", delta.path("content").asText("") + part.get("text").textValue());
                    } else if (part.path("functionCall").isObject()) {
                        JsonNode call = part.get("functionCall");
                        int number = calls.merge(index, 1, Integer::sum) - 1;
                        ArrayNode toolCalls = delta.has("tool_calls") ? (ArrayNode) delta.get("tool_calls")
                                : delta.putArray("tool_calls");
                        ObjectNode tc = toolCalls.addObject();
                        tc.put("index", number).put("id", call.path("id").asText("call_" + index + "_" + number))
                                .put("type", "function");
                        tc.putObject("function").put("name", call.path("name").asText())
                                .put("arguments", Completions.json(call.get("args")));
                    }
                }
                String reason = candidate.path("finishReason").asText(null);
                if (reason != null) {
                    into.put("finishReason", reason);
                }
                started[0] = true;
                sink.choice(index, delta, finishReason(reason, calls.containsKey(index)));
            }
            return true;
        });
        ArrayNode list = answer.putArray("candidates");
        candidates.values().forEach(list::add);
        return answer;
    }
}
