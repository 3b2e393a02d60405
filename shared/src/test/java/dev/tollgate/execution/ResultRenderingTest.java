package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.json.JsonLimits;
import org.junit.jupiter.api.Test;

/** A provider answer is rendered before money moves: what cannot be written is an upstream error, not a 500. */
class ResultRenderingTest {

    /**
     * A provider's answer as the engine reads it: {@code Json.MAPPER} with Jackson's stream limits (number length,
     * depth), not the stricter limits of a caller's document ({@code Json.read}), which refuse such numbers outright.
     */
    private static JsonNode parse(String json) throws Exception {
        return Json.MAPPER.readTree(json);
    }

    @Test
    void anOrdinaryAnswerRenders() throws Exception {
        ResultRendering.requireRenderable(parse("{\"choices\":[{\"message\":{\"content\":\"hi\"}}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12},\"score\":1.5e3,\"tiny\":1e-300}"));
    }

    @Test
    void aNumberThePlainWriterRefusesIsAnUpstreamError() throws Exception {
        // What a customer's own Ollama server can send: it parses, but WRITE_BIGDECIMAL_AS_PLAIN cannot write it.
        String answer = "{\"message\":{\"content\":\"hi\"},\"eval_duration\":1e999999999}";
        assertThrows(JsonLimits.Violation.class, () -> Json.read(answer), "a caller could not send it at all");
        JsonNode bomb = parse(answer);
        assertThrows(Exception.class, () -> Json.write(bomb), "the product mapper cannot write it");
        TollgateException e = assertThrows(TollgateException.class, () -> ResultRendering.requireRenderable(bomb));
        assertEquals(ErrorCode.UPSTREAM_ERROR, e.code());
        assertTrue(e.getMessage().contains("nothing was charged"), e.getMessage());
        assertEquals(ErrorCode.UPSTREAM_ERROR, assertThrows(TollgateException.class,
                () -> ResultRendering.requireRenderable(parse("[1e-10000]"))).code());
    }

    @Test
    void manyLargeButLegalNumbersCannotBlowUpTheResponse() throws Exception {
        // 1e9999 is legal and renders as 10,000 digits: 700 of them would be a 7 MB response.
        String many = "[" + "1e9999,".repeat(700) + "1]";
        TollgateException e = assertThrows(TollgateException.class,
                () -> ResultRendering.requireRenderable(parse(many)));
        assertEquals(ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE, e.code());
    }

    @Test
    void escapesCountTowardsTheLambdaPayload() {
        // 3 MB of quotes: 6 MB once JSON-escaped in the body, 12 MB inside Lambda's response envelope.
        ObjectNode quotes = Json.object().put("text", "\"".repeat(3 * 1024 * 1024));
        assertEquals(ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE, assertThrows(TollgateException.class,
                () -> ResultRendering.requireRenderable(quotes)).code());
        ResultRendering.requireRenderable(Json.object().put("text", "a".repeat(5 * 1024 * 1024)));
    }

    @Test
    void nestingTheWritersRefuseInsideTheirEnvelopesIsAnUpstreamError() {
        ArrayNode deep = Json.MAPPER.createArrayNode();
        ArrayNode inner = deep;
        for (int i = 0; i < 998; i++) {
            inner = inner.addArray();
        }
        TollgateException e = assertThrows(TollgateException.class, () -> ResultRendering.requireRenderable(deep));
        assertEquals(ErrorCode.UPSTREAM_ERROR, e.code());
    }
}
