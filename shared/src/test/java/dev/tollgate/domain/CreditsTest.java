package dev.tollgate.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tollgate.json.Json;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreditsTest {

    @Test
    void convertsDecimalCreditsToMicrosExactly() {
        assertEquals(25_500_000L, Credits.fromCredits("25.5"));
        assertEquals(1L, Credits.fromCredits("0.000001"));
        assertEquals(-3_000_000L, Credits.fromCredits("-3"));
        assertEquals(100_000L, Credits.fromCredits(new BigDecimal("0.1")));
    }

    @Test
    void refusesAmountsItCannotRepresentRatherThanRounding() {
        assertThrows(IllegalArgumentException.class, () -> Credits.fromCredits("0.0000001"));
        assertThrows(IllegalArgumentException.class, () -> Credits.fromCredits("1e30"));
    }

    @Test
    void refusesHugeExponentsWithoutExpandingThem() {
        assertEquals("credits are out of range", assertThrows(IllegalArgumentException.class,
                () -> Credits.fromCredits("1e12000000")).getMessage());
        assertEquals("credits must have at most 6 decimal places", assertThrows(IllegalArgumentException.class,
                () -> Credits.fromCredits("1e-12000000")).getMessage());
        assertEquals(0L, Credits.fromCredits("0e999999999"));
        assertEquals(9_000_000_000_000L * Credits.MICROS_PER_CREDIT, Credits.fromCredits("9e12"));
        assertThrows(IllegalArgumentException.class, () -> Credits.fromCredits("9.3e12"));
    }

    @Test
    void writesPlainDecimalsWithoutTrailingZeros() {
        assertEquals("100", Credits.toCredits(100_000_000L).toPlainString());
        assertEquals("42.5", Credits.toCredits(42_500_000L).toPlainString());
        assertEquals("0.000001", Credits.toCredits(1L).toPlainString());
        assertEquals("0", Credits.toCredits(0L).toPlainString());
        assertEquals("{\"c\":100}", Json.write(Map.of("c", Credits.toCredits(100_000_000L))));
        assertEquals("{\"c\":0.6}", Json.write(Map.of("c", Credits.toCredits(600_000L))));
    }
}
