package dev.tollgate.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** Every limit of {@link JsonLimits}, with the pointer each violation reports. */
class JsonLimitsTest {

    private static JsonLimits.Violation refused(String json) {
        return assertThrows(JsonLimits.Violation.class, () -> Json.read(json));
    }

    @Test
    void aNumberWithAHugeExponentIsRefusedWhereItStandsBeforeAnyTreeHoldsIt() {
        assertEquals("/a", refused("{\"a\":1e999999999}").pointer());
        assertEquals("/input/x/1", refused("{\"input\":{\"x\":[1,-1e-999999999]}}").pointer());
        assertEquals("/a/b", refused("{\"a\":{\"b\":0e999999999}}").pointer());
        assertEquals("", refused("1e1001").pointer());
        assertTrue(refused("{\"credits\":1e12000000}").getMessage().startsWith("a JSON number must lie between"));
    }

    @Test
    void everyDoubleAndEveryOrdinaryNumberIsAccepted() throws Exception {
        JsonNode node = Json.read("{\"max\":1.7976931348623157e308,\"min\":4.9e-324,\"edge\":1e1000,\"tiny\":1e-1000,"
                + "\"n\":-12.50,\"i\":12345678901234567890123}");
        assertEquals(new BigDecimal("1.7976931348623157e308"), node.get("max").decimalValue());
        assertEquals(0, new BigDecimal("-12.50").compareTo(node.get("n").decimalValue()));
        assertTrue(node.get("i").isBigInteger());
    }

    @Test
    void numbersAreAtMostAHundredCharacters() throws Exception {
        Json.read("{\"n\":" + "9".repeat(JsonLimits.MAX_NUMBER_LENGTH) + "}");
        JsonLimits.Violation tooLong = refused("{\"n\":" + "9".repeat(JsonLimits.MAX_NUMBER_LENGTH + 1) + "}");
        assertEquals("a JSON number may have at most 100 characters", tooLong.getMessage());
    }

    @Test
    void nestingIsBoundedAndTheMessageNamesNoJavaInternals() throws Exception {
        Json.read("[".repeat(JsonLimits.MAX_NESTING_DEPTH) + "]".repeat(JsonLimits.MAX_NESTING_DEPTH));
        JsonLimits.Violation deep = refused("[".repeat(100_000));
        assertEquals("JSON is nested deeper than 64 levels", deep.getMessage());
        assertTrue(deep.pointer().startsWith("/0/0/0"), deep.pointer());
        JsonLimits.Violation deepObjects = refused("{\"a\":".repeat(10_000));
        assertTrue(deepObjects.pointer().startsWith("/a/a/a"), deepObjects.pointer());
    }

    @Test
    void unpairedSurrogatesInValuesAndNamesAreRefusedAndPairsAccepted() throws Exception {
        assertEquals("/a", refused("{\"a\":\"x\\ud800\"}").pointer());
        assertEquals("/a/0", refused("{\"a\":[\"\\udc00y\"]}").pointer());
        assertTrue(refused("{\"\\ud800\":1}").getMessage().contains("unpaired surrogate"));
        assertEquals("\uD83D\uDE00", Json.read("{\"a\":\"\\ud83d\\ude00\"}").get("a").textValue());
        assertEquals("a\u0000b\u202e", Json.read("{\"a\":\"a\\u0000b\\u202e\"}").get("a").textValue());
    }

    @Test
    void syntaxErrorsStayOrdinaryParseErrors() {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> Json.read("{nope"));
        assertFalse(e instanceof JsonLimits.Violation);
    }

    @Test
    void documentsOtherThanACallersGetTheBackstopDepthSoAWrappedProviderResultReadsBack() throws Exception {
        String providerDepth = "[".repeat(JsonLimits.MAX_NESTING_DEPTH + 1) + "]".repeat(JsonLimits.MAX_NESTING_DEPTH + 1);
        assertTrue(Json.MAPPER.readTree("{\"result\":" + providerDepth + "}").isObject());
        assertThrows(JsonProcessingException.class, () -> Json.MAPPER.readTree("[".repeat(100_000)));
    }

    @Test
    void theMcpMapperAndEveryMapperFromTheFactoryHaveTheSameConstraints() {
        ObjectMapper mapper = new ObjectMapper(JsonLimits.factory());
        assertEquals(JsonLimits.MAX_DOCUMENT_DEPTH, mapper.getFactory().streamReadConstraints().getMaxNestingDepth());
        assertEquals(JsonLimits.MAX_NUMBER_LENGTH, Json.MAPPER.getFactory().streamReadConstraints().getMaxNumberLength());
        assertThrows(JsonLimits.Violation.class, () -> JsonLimits.readTree(mapper, "{\"a\":1e5000}"));
    }

    @Test
    void numbersBecomeShortTextHoweverLargeTheirExponent() {
        assertEquals("1000", JsonLimits.text(new BigDecimal("1E+3")));
        assertEquals("0.25", JsonLimits.text(new BigDecimal("0.25")));
        assertEquals("1000.00", JsonLimits.text(new BigDecimal("1000.00")));
        assertEquals("1E+999999999", JsonLimits.text(new BigDecimal("1e999999999")));
        assertEquals("1E-999999999", JsonLimits.text(new BigDecimal("1e-999999999")));
        assertTrue(JsonLimits.withinRange(new BigDecimal("9.99e1000")));
        assertFalse(JsonLimits.withinRange(new BigDecimal("1e1001")));
    }
}
