package dev.tollgate.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Map;
import java.util.TreeMap;

/** What the chunks of a stream said, choice by choice, put back together into whole messages. */
final class StreamedChoices {
    private final Map<Integer, Choice> choices = new TreeMap<>();

    static final class Choice {
        final StringBuilder content = new StringBuilder();
        final Map<Integer, String[]> toolCalls = new TreeMap<>();
        boolean hasContent;
        String finishReason;

        void text(String text) {
            hasContent = true;
            content.append(text);
        }

        /** Adds to tool call {@code index}: its id and name once, its arguments in pieces. */
        void toolCall(int index, String id, String name, String argumentsPart) {
            String[] call = toolCalls.computeIfAbsent(index, i -> new String[] {null, null, ""});
            if (id != null) {
                call[0] = id;
            }
            if (name != null) {
                call[1] = name;
            }
            if (argumentsPart != null) {
                call[2] += argumentsPart;
            }
        }

        ArrayNode toolCallsJson() {
            ArrayNode out = Completions.NODES.arrayNode();
            toolCalls.forEach((index, call) -> out.add(Completions.toolCall(call[0], call[1], call[2])));
            return out;
        }
    }

    Choice choice(int index) {
        return choices.computeIfAbsent(index, i -> new Choice());
    }

    Map<Integer, Choice> all() {
        return choices;
    }
}
