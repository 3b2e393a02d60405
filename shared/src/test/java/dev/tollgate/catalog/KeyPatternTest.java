package dev.tollgate.catalog;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.config.Config;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every provider's key pattern accepts realistic keys and refuses near misses. Samples are generated (seeded) so
 * that no string in the repository looks like a leaked key to a secret scanner.
 */
class KeyPatternTest {
    private static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String URLSAFE = ALNUM + "-_";
    private static final String HEX = "0123456789abcdef";
    private static final Random RANDOM = new Random(42);

    private static String random(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String uuid() {
        return random(HEX, 8) + "-" + random(HEX, 4) + "-" + random(HEX, 4) + "-" + random(HEX, 4) + "-"
                + random(HEX, 12);
    }

    static Stream<Arguments> samples() {
        String twilioSid = "AC" + random(HEX, 32);
        return Stream.of(
                Arguments.of("openai",
                        List.of("sk-proj-" + random(URLSAFE, 156), "sk-" + random(ALNUM, 48)),
                        List.of("sk-ant-api03-" + random(URLSAFE, 95), "sk-or-v1-" + random(HEX, 64),
                                "sk-" + random(ALNUM, 10), "pk-" + random(ALNUM, 48), "sk-" + random(ALNUM, 40) + " x",
                                "")),
                Arguments.of("anthropic",
                        List.of("sk-ant-api03-" + random(URLSAFE, 93) + "AA", "sk-ant-api03-" + random(ALNUM, 95)),
                        List.of("sk-ant-admin01-" + random(URLSAFE, 95), "sk-ant-api03-" + random(ALNUM, 10),
                                "sk-" + random(ALNUM, 48), "sk-ant-api03-" + random(ALNUM, 40) + "!")),
                Arguments.of("gemini",
                        List.of("AIza" + random(URLSAFE, 35), "AIzaSy" + random(ALNUM, 33)),
                        List.of("AIza" + random(ALNUM, 34), "AIza" + random(ALNUM, 36), "AIzb" + random(ALNUM, 35),
                                "aiza" + random(ALNUM, 35))),
                Arguments.of("openrouter",
                        List.of("sk-or-v1-" + random(HEX, 64), "sk-or-v1-" + random(HEX, 64)),
                        List.of("sk-or-v1-" + random(HEX, 12), "sk-" + random(HEX, 64), "sk-ro-v1-" + random(HEX, 64),
                                "sk-or-v1-" + random(HEX, 63) + "-")),
                Arguments.of("ollama",
                        List.of("http://192.168.1.20:11434", "https://ollama.example.com", "http://[::1]:11434/",
                                "http://gpu-box.internal:11434"),
                        List.of("ftp://ollama.example.com", "http://user@evil.example:11434",
                                "http://ollama.example.com:11434/api", "ollama.example.com:11434",
                                "http://ollama.example.com?x=1", "http://-bad.example.com")),
                Arguments.of("stripe",
                        List.of("sk_test_" + random(ALNUM, 99), "rk_live_" + random(ALNUM, 24),
                                "sk_live_" + random(ALNUM, 24)),
                        List.of("pk_test_" + random(ALNUM, 99), "sk_prod_" + random(ALNUM, 24),
                                "sk_test_" + random(ALNUM, 10), "sk-test-" + random(ALNUM, 24))),
                Arguments.of("twilio",
                        List.of(twilioSid + ":" + random(HEX, 32), "AC" + random(HEX, 32) + ":" + random(ALNUM, 32)),
                        List.of("AC" + random(HEX, 31) + ":" + random(HEX, 32), "SK" + random(HEX, 32) + ":"
                                        + random(HEX, 32), twilioSid, twilioSid + ":" + random(ALNUM, 31),
                                "ACg" + random(HEX, 31) + ":" + random(HEX, 32))),
                Arguments.of("resend",
                        List.of("re_" + random(ALNUM, 8) + "_" + random(ALNUM, 24), "re_" + random(ALNUM, 36)),
                        List.of("re_" + random(ALNUM, 8), "rk_" + random(ALNUM, 36), "re-" + random(ALNUM, 36))),
                Arguments.of("tavily",
                        List.of("tvly-" + random(ALNUM, 32), "tvly-dev-" + random(ALNUM, 32)),
                        List.of("tvly_" + random(ALNUM, 32), "tvly-" + random(ALNUM, 8), "tvl-" + random(ALNUM, 32))),
                Arguments.of("exa",
                        List.of(uuid(), uuid().toUpperCase()),
                        List.of(uuid().replace("-", ""), "g" + uuid().substring(1), uuid() + "0")),
                Arguments.of("firecrawl",
                        List.of("fc-" + random(HEX, 32), "fc-" + random(ALNUM, 32)),
                        List.of("fc_" + random(HEX, 32), "fc-" + random(HEX, 8), "c-" + random(HEX, 32))),
                Arguments.of("elevenlabs",
                        List.of("sk_" + random(HEX, 48), random(HEX, 32)),
                        List.of(random(HEX, 31), "sk_" + random(HEX, 20), "sk-" + random(HEX, 48),
                                random(HEX, 30) + "!!")),
                Arguments.of("browserbase",
                        List.of("bb_live_" + random(URLSAFE, 27), "bb_live_" + random(ALNUM, 32)),
                        List.of("bb_test_" + random(ALNUM, 27), "bb_live_" + random(ALNUM, 8),
                                "bb-live-" + random(ALNUM, 27))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void patternAcceptsRealisticKeysAndRefusesNearMisses(String provider, List<String> good, List<String> bad) {
        Provider p = CATALOG.provider(provider).orElseThrow();
        for (String key : good) {
            assertTrue(p.acceptsKey(key), provider + " should accept a key of length " + key.length());
        }
        for (String key : bad) {
            assertFalse(p.acceptsKey(key), provider + " should refuse a near miss of length " + key.length()
                    + " starting " + key.substring(0, Math.min(6, key.length())));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void noOtherProviderClaimsTheKeysOfAnother(String provider, List<String> good, List<String> bad) {
        for (Provider other : CATALOG.providers()) {
            if (other.id().equals(provider)) {
                continue;
            }
            for (String key : good) {
                // ElevenLabs keys may be bare letters and digits, which no prefix can tell apart
                if (other.id().equals("elevenlabs") && key.matches("[A-Za-z0-9]+")) {
                    continue;
                }
                assertFalse(other.acceptsKey(key), other.id() + " accepts a " + provider + " key");
            }
        }
    }

    /** Registration accepts up to 4 KiB: no pattern may backtrack catastrophically on hostile input. */
    @org.junit.jupiter.api.Test
    void patternsRunInLinearTimeOnLongHostileInput() {
        List<String> hostile = List.of("a".repeat(4096), "a".repeat(4095) + "!", ("a-" + "b".repeat(61) + ".").repeat(60),
                "http://" + "a".repeat(4080) + "!", "sk-" + "A".repeat(4090) + " ", "AC" + "0".repeat(4090) + ":");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(2), () -> {
            for (Provider p : CATALOG.providers()) {
                for (String input : hostile) {
                    p.acceptsKey(input);
                }
            }
        });
    }

    @org.junit.jupiter.api.Test
    void nullIsNeverAKey() {
        CATALOG.providers().forEach(p -> assertFalse(p.acceptsKey(null), p.id()));
    }
}
