package dev.tollgate.domain;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsCarryTheirPrefixAndSortByCreationTime() {
        String earlier = Ids.newId("led", Instant.parse("2026-01-01T00:00:00Z"));
        String later = Ids.newId("led", Instant.parse("2026-01-01T00:00:00.001Z"));
        assertTrue(earlier.startsWith("led_"));
        assertTrue(earlier.compareTo(later) < 0);
        assertTrue(Ids.looksLike(earlier, "led"));
    }

    @Test
    void looksLikeRefusesOtherPrefixesAndOddCharacters() {
        assertFalse(Ids.looksLike("acct_", "acct"));
        assertFalse(Ids.looksLike("ws_abc", "acct"));
        assertFalse(Ids.looksLike("acct_ab/c", "acct"));
        assertFalse(Ids.looksLike(null, "acct"));
        assertFalse(Ids.looksLike("acct_" + "a".repeat(80), "acct"));
    }
}
