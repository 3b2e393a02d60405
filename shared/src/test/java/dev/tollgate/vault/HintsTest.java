package dev.tollgate.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.catalog.AuthStyle;
import org.junit.jupiter.api.Test;

class HintsTest {

    @Test
    void showsAtMostTheLastFourCharactersOfTheSecretPart() {
        assertEquals("\u20264f2a", Hints.of(AuthStyle.parse("bearer"), "sk-proj-aaaaaaaaaaaaaaaaaaaa4f2a"));
        assertEquals("\u2026TOKN", Hints.of(AuthStyle.parse("basic"),
                "AC0123456789abcdef0123456789abcdef:aaaaaaaaaaaaaaaaaaaaaaaaaaaaTOKN"));
        assertEquals("\u2026host", Hints.of(AuthStyle.parse("base_url"), "http://localhost:11434"));
        assertEquals("\u2026.com", Hints.of(AuthStyle.parse("base_url"), "https://ollama.example.com"));
        assertEquals("", Hints.of(AuthStyle.parse("bearer"), "short-key"));
        assertEquals("", Hints.of(AuthStyle.parse("base_url"), "not a url"));
    }
}
