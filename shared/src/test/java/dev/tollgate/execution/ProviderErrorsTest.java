package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.SecretRedactor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SPEC 7.4 error mapping, with the provider's message passed on minus any echo of the secret. */
class ProviderErrorsTest {
    private static final String KEY = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    private static final SecretRedactor NONE = SecretRedactor.none();

    private static UpstreamResponse response(int status, String body, Map<String, String> headers) {
        return new UpstreamResponse(status, headers, body.getBytes(StandardCharsets.UTF_8), 5);
    }

    private static TollgateException map(int status, String body, ProviderErrors.KeyKind kind) {
        return ProviderErrors.map("OpenAI", response(status, body, Map.of("content-type", "application/json")), kind,
                SecretRedactor.of(KEY), kind == ProviderErrors.KeyKind.BYOK ? "byok_1" : null);
    }

    @Test
    void byokAuthFailureIsKeyRejectedWithTheSecretRedacted() {
        TollgateException e = map(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + ".\"}}",
                ProviderErrors.KeyKind.BYOK);
        assertEquals(ErrorCode.BYOK_KEY_REJECTED, e.code());
        assertEquals(424, e.status());
        assertEquals(401, e.details().get("provider_status"));
        assertEquals("byok_1", e.details().get("byok_key_id"));
        assertFalse(e.getMessage().contains(KEY));
        assertFalse(String.valueOf(e.details().get("provider_message")).contains("ABCDEFGHIJ"));
        assertTrue(String.valueOf(e.details().get("provider_message")).contains("[REDACTED]"));
        assertEquals(ErrorCode.BYOK_KEY_REJECTED, map(403, "{}", ProviderErrors.KeyKind.BYOK).code());
    }

    @Test
    void platformAuthFailureIsProviderAuthFailed() {
        assertEquals(ErrorCode.PROVIDER_AUTH_FAILED, map(401, "{}", ProviderErrors.KeyKind.PLATFORM).code());
        assertEquals(502, map(403, "{}", ProviderErrors.KeyKind.PLATFORM).status());
    }

    @Test
    void rateLimitPassesRetryAfterThroughWhenWellFormed() {
        TollgateException e = ProviderErrors.map("OpenAI", response(429, "{\"error\":{\"message\":\"slow down\"}}",
                Map.of("retry-after", "17")), ProviderErrors.KeyKind.BYOK, SecretRedactor.of(KEY), "byok_1");
        assertEquals(ErrorCode.UPSTREAM_RATE_LIMITED, e.code());
        assertEquals("17", e.headers().get("Retry-After"));
        TollgateException injected = ProviderErrors.map("OpenAI", response(429, "{}",
                Map.of("retry-after", "1\r\nSet-Cookie: x")), ProviderErrors.KeyKind.BYOK, SecretRedactor.of(KEY), "byok_1");
        assertTrue(injected.headers().isEmpty());
    }

    @Test
    void otherStatuses() {
        assertEquals(ErrorCode.UPSTREAM_ERROR, map(500, "oops", ProviderErrors.KeyKind.PLATFORM).code());
        assertEquals(ErrorCode.UPSTREAM_ERROR, map(503, "{}", ProviderErrors.KeyKind.BYOK).code());
        assertEquals(ErrorCode.UPSTREAM_REDIRECT, map(302, "", ProviderErrors.KeyKind.BYOK).code());
        assertEquals(ErrorCode.UPSTREAM_REDIRECT, map(307, "", ProviderErrors.KeyKind.PLATFORM).code());
        TollgateException bad = map(400, "{\"error\":{\"message\":\"Invalid 'messages': empty\"}}", ProviderErrors.KeyKind.PLATFORM);
        assertEquals(ErrorCode.UPSTREAM_REJECTED_REQUEST, bad.code());
        assertEquals(400, bad.status());
        assertTrue(bad.getMessage().contains("Invalid 'messages': empty"));
        assertEquals(ErrorCode.UPSTREAM_REJECTED_REQUEST, map(404, "{\"message\":\"no such model\"}", ProviderErrors.KeyKind.NONE).code());
    }

    @Test
    void messagesAreFoundInTheUsualPlacesAndCut() {
        assertEquals("m1", ProviderErrors.message(response(400, "{\"message\":\"m1\"}", Map.of()), NONE));
        assertEquals("m2", ProviderErrors.message(response(400, "{\"detail\":\"m2\"}", Map.of()), NONE));
        assertEquals("m3", ProviderErrors.message(response(400, "{\"errors\":[{\"message\":\"m3\"}]}", Map.of()), NONE));
        assertEquals("plain", ProviderErrors.message(response(400, "plain", Map.of("content-type", "text/plain")), NONE));
        String longMessage = ProviderErrors.message(response(400, "{\"message\":\"" + "x".repeat(2000) + "\"}", Map.of()), NONE);
        assertTrue(longMessage.length() <= ProviderErrors.MAX_MESSAGE + 1);
        String sid = "AC" + "0123456789abcdef".repeat(2);
        String twilio = sid + ":tok3nValueXyz0123456789abcdefgh";
        String echoed = ProviderErrors.message(response(401, "{\"message\":\"bad token tok3nValueXyz0123 for " + sid
                + "\"}", Map.of()), SecretRedactor.of(twilio));
        assertFalse(echoed.contains("tok3nValueXyz0123"), echoed);
        assertFalse(echoed.contains(sid), "a Twilio SID is masked in messages by its shape: " + echoed);
    }

    @Test
    void aSecretHiddenByJsonEscapesIsCaughtAfterDecoding() {
        StringBuilder escaped = new StringBuilder();
        for (char c : KEY.toCharArray()) {
            escaped.append(String.format("\\u%04x", (int) c));
        }
        String message = ProviderErrors.message(response(400, "{\"message\":\"key " + escaped + "\"}", Map.of()),
                SecretRedactor.of(KEY));
        assertEquals("key [REDACTED]", message);
    }
}
