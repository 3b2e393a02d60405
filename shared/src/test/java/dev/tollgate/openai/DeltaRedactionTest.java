package dev.tollgate.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.log.SecretRedactor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A streamed answer cannot carry a secret of the call, however the provider cuts it into deltas. */
class DeltaRedactionTest {
    private static final String KEY = "sk-proj-Q7zW3xK9mP2vL8nR4tY6uI1oA5sD0fGh";

    private static ObjectNode content(String text) {
        return Completions.NODES.objectNode().put("content", text);
    }

    @Test
    void contentAndToolArgumentsSplitAcrossDeltasAreRedactedWhole() {
        DeltaRedaction redaction = new DeltaRedaction(SecretRedactor.of(KEY));
        String said = "The key is " + KEY + " indeed";
        StringBuilder content = new StringBuilder();
        StringBuilder arguments = new StringBuilder();
        for (int i = 0; i < said.length(); i += 3) {
            String piece = said.substring(i, Math.min(said.length(), i + 3));
            ObjectNode delta = content(piece);
            delta.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", piece);
            boolean last = i + 3 >= said.length();
            redaction.apply(0, delta, last);
            content.append(delta.path("content").asText());
            delta.path("tool_calls").forEach(call -> arguments.append(call.at("/function/arguments").asText()));
        }
        String out = content.toString();
        String secret = KEY.substring("sk-proj-".length());
        for (int i = 0; i + SecretRedactor.MIN_FRAGMENT <= secret.length(); i++) {
            assertFalse(out.contains(secret.substring(i, i + SecretRedactor.MIN_FRAGMENT)), out);
        }
        assertTrue(out.startsWith("The key is sk-proj-") && out.endsWith("[REDACTED] indeed"), out);
        assertEquals(out, arguments.toString());
    }

    @Test
    void whatIsHeldWhenTheStreamEndsWithoutAFinishGoesOutRedacted() {
        DeltaRedaction redaction = new DeltaRedaction(SecretRedactor.of(KEY));
        ObjectNode first = content("leaked: " + KEY.substring(0, 20));
        redaction.apply(1, first, false);
        assertEquals("leaked: ", first.path("content").asText(), "an echo runs to the end: held back");
        Map<Integer, ObjectNode> rest = redaction.rest();
        assertEquals("[REDACTED]", rest.get(1).path("content").asText());
        assertEquals(Map.of(), redaction.rest(), "released once");
    }

    @Test
    void withoutSecretsDeltasAreUntouched() {
        DeltaRedaction redaction = new DeltaRedaction(SecretRedactor.none());
        ObjectNode delta = content("sk-pr");
        redaction.apply(0, delta, false);
        assertEquals("sk-pr", delta.path("content").asText());
        assertEquals(Map.of(), redaction.rest());
    }
}
