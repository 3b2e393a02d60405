package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.log.SecretRedactor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The text of streamed deltas ({@code content}, {@code refusal}, tool call {@code arguments}) redacted of the secrets
 * in play for the call. A provider streams a few characters per event, so an echo of a key would reach the caller in
 * pieces too short to recognise one by one; each text is redacted as one text instead ({@link SecretRedactor.Pieces}):
 * deltas go out as they come, except where an echo runs to their end, which waits for the next delta and goes out
 * masked.
 */
final class DeltaRedaction {
    private static final List<String> TEXT_FIELDS = List.of("content", "refusal");
    private static final String TOOL = "tool ";

    private final SecretRedactor secrets;
    /** Per choice index: per text ("content", "refusal", or a tool call's index), its pieces. */
    private final Map<Integer, Map<String, SecretRedactor.Pieces>> texts = new TreeMap<>();

    DeltaRedaction(SecretRedactor secrets) {
        this.secrets = secrets;
    }

    /** Rewrites the delta's text to what may go out now; with {@code last}, everything held back for the choice. */
    void apply(int index, ObjectNode delta, boolean last) {
        if (secrets.isEmpty()) {
            return;
        }
        Map<String, SecretRedactor.Pieces> choice = texts.computeIfAbsent(index, i -> new LinkedHashMap<>());
        for (String field : TEXT_FIELDS) {
            if (delta.path(field).isTextual()) {
                delta.put(field, pieces(choice, field).push(delta.get(field).asText()));
            }
        }
        for (JsonNode call : delta.path("tool_calls")) {
            JsonNode arguments = call.path("function").path("arguments");
            if (arguments.isTextual()) {
                ((ObjectNode) call.get("function")).put("arguments",
                        pieces(choice, toolKey(call.path("index").asInt())).push(arguments.asText()));
            }
        }
        if (last) {
            release(index, delta);
        }
    }

    /** The text still held back per choice, as the deltas that carry it: the stream ended. */
    Map<Integer, ObjectNode> rest() {
        Map<Integer, ObjectNode> rest = new TreeMap<>();
        for (Integer index : List.copyOf(texts.keySet())) {
            ObjectNode delta = Completions.NODES.objectNode();
            release(index, delta);
            if (!delta.isEmpty()) {
                rest.put(index, delta);
            }
        }
        return rest;
    }

    private void release(int index, ObjectNode delta) {
        Map<String, SecretRedactor.Pieces> choice = texts.remove(index);
        if (choice == null) {
            return;
        }
        choice.forEach((key, pieces) -> {
            String held = pieces.flush();
            if (held.isEmpty()) {
                return;
            }
            if (TEXT_FIELDS.contains(key)) {
                delta.put(key, delta.path(key).asText("") + held);
                return;
            }
            int tool = Integer.parseInt(key.substring(TOOL.length()));
            ArrayNode calls = delta.has("tool_calls") ? (ArrayNode) delta.get("tool_calls")
                    : delta.putArray("tool_calls");
            ObjectNode call = null;
            for (JsonNode existing : calls) {
                if (existing.path("index").asInt(-1) == tool && existing.path("function").isObject()) {
                    call = (ObjectNode) existing;
                }
            }
            if (call == null) {
                call = calls.addObject().put("index", tool);
                call.putObject("function").put("arguments", "");
            }
            ObjectNode function = (ObjectNode) call.get("function");
            function.put("arguments", function.path("arguments").asText("") + held);
        });
    }

    private SecretRedactor.Pieces pieces(Map<String, SecretRedactor.Pieces> choice, String key) {
        return choice.computeIfAbsent(key, k -> secrets.pieces());
    }

    private static String toolKey(int index) {
        return TOOL + index;
    }
}
