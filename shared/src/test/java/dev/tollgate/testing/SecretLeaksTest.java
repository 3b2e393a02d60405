package dev.tollgate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The canary detector itself: every encoded run is eight characters of the secret, not of its encoding. */
class SecretLeaksTest {
    private final SecretLeaks leaks = new SecretLeaks(List.of(
            new SecretLeaks.Canary("ollama", "http://0x7f2db14d:40961", "http://".length())));

    @Test
    void anEscapeAndTwoDigitsOfThePortAreNoLeak() {
        assertEquals(List.of(), leaks.find("gemini echo", "{\\u0022maxOutputTokens\\u0022\\u003a4096\\u007d"));
    }

    @Test
    void eightCharactersOfTheSecretAreFoundInEveryForm() {
        for (String leak : List.of("0x7f2db14d:40961", "2db14d%3A40961", "2db14d%3a40961", "2db14d\\u003a40961",
                "0x7f2db1")) {
            assertFalse(leaks.find("echo", "… " + leak + " …").isEmpty(), leak);
        }
    }
}
