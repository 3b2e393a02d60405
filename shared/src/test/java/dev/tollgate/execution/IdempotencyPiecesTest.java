package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.Json;
import org.junit.jupiter.api.Test;

/** Fingerprints ignore formatting and key order; stored responses compress, or drop the result when too large. */
class IdempotencyPiecesTest {

    @Test
    void fingerprintIsCanonical() throws Exception {
        String a = Fingerprints.of(Json.read("{\"tool\":\"t\",\"input\":{\"b\":1,\"a\":[1,2,{\"y\":true,\"x\":null}]}}"));
        String b = Fingerprints.of(Json.read("{ \"input\" : {\"a\":[1,2,{\"x\":null,\"y\":true}], \"b\":1.0}, \"tool\":\"t\" }"));
        assertEquals(a, b);
        assertEquals(64, a.length());
        assertNotEquals(a, Fingerprints.of(Json.read("{\"tool\":\"t\",\"input\":{\"b\":2,\"a\":[1,2,{\"y\":true,\"x\":null}]}}")));
        assertNotEquals(a, Fingerprints.of(Json.read("{\"tool\":\"t\",\"input\":{\"b\":1,\"a\":[2,1,{\"y\":true,\"x\":null}]}}")));
    }

    @Test
    void fingerprintsOfExtremeNumbersAreShortAndDistinct() {
        String huge = Fingerprints.of(Json.object().put("n", new java.math.BigDecimal("1e999999999")));
        String hugeToo = Fingerprints.of(Json.object().put("n", new java.math.BigDecimal("10e999999998")));
        assertEquals(huge, hugeToo);
        assertNotEquals(huge, Fingerprints.of(Json.object().put("n", new java.math.BigDecimal("1e999999998"))));
        StringBuilder canonical = new StringBuilder();
        Fingerprints.canonical(Json.object().put("n", new java.math.BigDecimal("-1e-999999999")), canonical);
        assertEquals("{\"n\":-1E-999999999}", canonical.toString());
    }

    @Test
    void smallResponsesAreStoredAsIs() {
        ObjectNode body = Json.object();
        body.putObject("result").put("ok", true);
        body.putObject("billing").put("mode", "byok");
        StoredResponses.Encoded e = StoredResponses.encode(body);
        assertFalse(e.gzip());
        assertEquals(body, StoredResponses.decode(e.bytes(), e.gzip()));
    }

    @Test
    void largeResponsesAreCompressedAndHugeOnesKeepOnlyTheBilling() {
        ObjectNode body = Json.object();
        body.putObject("result").put("text", "lorem ipsum ".repeat(20_000));
        body.putObject("billing").put("credits_charged", 10);
        StoredResponses.Encoded compressed = StoredResponses.encode(body);
        assertTrue(compressed.gzip());
        assertTrue(compressed.resultStored());
        assertEquals(body, StoredResponses.decode(compressed.bytes(), true));

        StringBuilder noise = new StringBuilder();
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 600_000; i++) {
            noise.append((char) ('a' + random.nextInt(26)));
        }
        ObjectNode huge = Json.object();
        huge.putObject("result").put("text", noise.toString());
        huge.putObject("billing").put("credits_charged", 10);
        StoredResponses.Encoded billingOnly = StoredResponses.encode(huge);
        assertFalse(billingOnly.resultStored());
        ObjectNode replay = StoredResponses.decode(billingOnly.bytes(), billingOnly.gzip());
        assertTrue(replay.get("result").isNull());
        assertFalse(replay.get("result_stored").booleanValue());
        assertEquals(10, replay.path("billing").path("credits_charged").intValue());
    }
}
