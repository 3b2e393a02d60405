package dev.tollgate.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.auth.ApiKeyTokens;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void masksEveryKnownSecretShape() {
        List<String> secrets = List.of(
                ApiKeyTokens.generate(ApiKeyTokens.LIVE_PREFIX),
                "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
                "sk-proj-abcdefgh",
                "tg_test_abcdefgh",
                "sk-ant-api03-abcdefghijklmnopqrstuvwxyz",
                "sk-or-v1-0123456789abcdef0123456789abcdef",
                "sk_live_51Habcdefghijklmn",
                "AIzaSyA1234567890abcdefghijklmnopqrstu",
                "AIzaSyA12345",
                "sk_0123456789abcdef0123456789abcdef0123456789abcdef",
                "AC0123456789abcdef0123456789abcdef:0123456789abcdef0123456789abcdef",
                "re_123456789_abcdefghij",
                "tvly-abcdefghijklmnop",
                "fc-0123456789abcdef",
                "bb_live_abcdefghijklmnop");
        for (String secret : secrets) {
            String out = Redactor.redact("provider said: invalid key " + secret + " (sorry)");
            assertFalse(out.contains(secret), out);
            assertTrue(out.contains("[REDACTED]"), out);
        }
    }

    @Test
    void leavesOrdinaryTextAlone() {
        assertEquals("model gpt-4o not found", Redactor.redact("model gpt-4o not found"));
        assertEquals("Authorization: Bearer [REDACTED]", Redactor.redact("Authorization: Bearer abcdefghijklmnop"));
        for (String text : new String[] {"the task-scheduler_v2 and risk-adjusted numbers", "a share_something_longer name",
                "Use Basic Authentication or an API key", "Invalid API key: check it"}) {
            assertEquals(text, Redactor.redact(text));
        }
    }

    @Test
    void credentialsAfterTheirNames() {
        assertEquals("Authorization: Basic [REDACTED]",
                Redactor.redact("Authorization: Basic QUMwMTIzNDU2Nzg5YWJjZGVmOnRva2Vu"));
        assertEquals("{\"x-goog-api-key\": \"[REDACTED]\"}", Redactor.redact("{\"x-goog-api-key\": \"abcdefgh1234\"}"));
        assertEquals("xi-api-key=[REDACTED]", Redactor.redact("xi-api-key=0123456789abcdefXYZ"));
        assertEquals("key_[REDACTED]", Redactor.redact("key_sk-proj-abcdefgh1234"));
    }

    @Test
    void logLinesAreJsonWithTheRequestIdAndNoSecrets() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            Log.setRequestId("req_123");
            Log.get(RedactorTest.class).info("calling upstream", "key", "sk-proj-abcdefghijklmnopqrstuvwxyz012345", "n", 3);
        } finally {
            Log.clearRequestId();
            Log.setOutput(System.out);
        }
        String line = buffer.toString(StandardCharsets.UTF_8).trim();
        assertTrue(line.startsWith("{") && line.endsWith("}"), line);
        assertTrue(line.contains("\"request_id\":\"req_123\""), line);
        assertTrue(line.contains("\"n\":3"), line);
        assertFalse(line.contains("abcdefghijklmnopqrstuvwxyz012345"), line);
    }
}
