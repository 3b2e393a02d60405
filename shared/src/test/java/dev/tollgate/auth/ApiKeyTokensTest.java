package dev.tollgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyTokensTest {

    @Test
    void generatedTokensHaveThePrefixFixedLengthAndAValidChecksum() {
        String live = ApiKeyTokens.generate(ApiKeyTokens.LIVE_PREFIX);
        String test = ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX);
        assertTrue(live.startsWith("tg_live_"));
        assertTrue(test.startsWith("tg_test_"));
        assertEquals(8 + 43 + 6, live.length());
        assertTrue(ApiKeyTokens.isWellFormed(live));
        assertTrue(ApiKeyTokens.isWellFormed(test));
    }

    @Test
    void everySingleCharacterTypoIsCaughtByTheChecksum() {
        String token = ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX);
        for (int i = 8; i < token.length(); i++) {
            char c = token.charAt(i);
            char replacement = c == 'a' ? 'b' : 'a';
            String typo = token.substring(0, i) + replacement + token.substring(i + 1);
            assertFalse(ApiKeyTokens.isWellFormed(typo), "typo at " + i + " not detected");
        }
    }

    @Test
    void malformedTokensAreRejectedWithoutALookup() {
        assertFalse(ApiKeyTokens.isWellFormed(null));
        assertFalse(ApiKeyTokens.isWellFormed(""));
        assertFalse(ApiKeyTokens.isWellFormed("tg_live_short"));
        assertFalse(ApiKeyTokens.isWellFormed("sk-" + "a".repeat(49)));
        String token = ApiKeyTokens.generate(ApiKeyTokens.LIVE_PREFIX);
        assertFalse(ApiKeyTokens.isWellFormed(token + "x"));
        assertFalse(ApiKeyTokens.isWellFormed("tg_prod_" + token.substring(8)));
    }

    @Test
    void tokensAreUniqueAndHashesAreStableHexSha256() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX)));
        }
        String token = ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX);
        assertEquals(ApiKeyTokens.hash(token), ApiKeyTokens.hash(token));
        assertEquals(64, ApiKeyTokens.hash(token).length());
        assertNotEquals(ApiKeyTokens.hash(token), ApiKeyTokens.hash(ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX)));
    }

    @Test
    void hintShowsOnlyThePrefixAndLastFourCharacters() {
        String token = ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX);
        String hint = ApiKeyTokens.hint(token);
        assertEquals("tg_test_…" + token.substring(token.length() - 4), hint);
    }

    @Test
    void onlyTheTwoKnownPrefixesCanBeGenerated() {
        assertThrows(IllegalArgumentException.class, () -> ApiKeyTokens.generate("tg_prod_"));
    }

    @Test
    void aTokenNamesItsAccountWithoutSpellingItOutAndStillChecksTypos() {
        String personal = "acct_08E1oBSOYS0DIaJX61waLsx8";
        String workspace = "ws_08E1oBSOYS0DIaJX61waLsx8";
        String token = ApiKeyTokens.generate(ApiKeyTokens.LIVE_PREFIX, personal);
        assertTrue(ApiKeyTokens.isWellFormed(token));
        assertEquals(java.util.Optional.of(personal), ApiKeyTokens.accountOf(token));
        assertFalse(token.contains(personal.substring(5, 13)), "no run of the id is in the token: " + token);
        assertEquals(java.util.Optional.of(workspace),
                ApiKeyTokens.accountOf(ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX, workspace)));
        for (int i = 8; i < token.length(); i++) {
            char c = token.charAt(i);
            String typo = token.substring(0, i) + (c == 'x' ? 'y' : 'x') + token.substring(i + 1);
            assertFalse(ApiKeyTokens.isWellFormed(typo), "typo at " + i + " not detected");
        }
    }

    @Test
    void firstFormatTokensNameNoAccountAndStayWellFormed() {
        String old = ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX);
        assertTrue(ApiKeyTokens.isWellFormed(old));
        assertEquals(java.util.Optional.empty(), ApiKeyTokens.accountOf(old));
        // An id not of Tollgate's shape cannot be carried: the key gets a first-format token.
        assertEquals(java.util.Optional.empty(),
                ApiKeyTokens.accountOf(ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX, "acct_priming")));
    }
}
