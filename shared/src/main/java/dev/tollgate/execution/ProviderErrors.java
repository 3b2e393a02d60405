package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.log.Redactor;
import dev.tollgate.log.SecretRedactor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Maps a provider's non-2xx answer to Tollgate's error (SPEC 7.4). The provider's own message is passed on where it
 * helps the caller, cut to {@value #MAX_MESSAGE} characters. The body reaches here already redacted of the secrets in
 * play; the decoded message is redacted again (a JSON escape can hide an echo from the raw pass) and then for anything
 * shaped like a known key ({@link Redactor}).
 */
final class ProviderErrors {
    static final int MAX_MESSAGE = 500;
    private static final List<String> MESSAGE_POINTERS = List.of("/error/message", "/error", "/message",
            "/detail/message", "/detail", "/error_description", "/errors/0/message", "/errors/0/detail", "/title");
    private static final Pattern RETRY_AFTER = Pattern.compile("[0-9]{1,9}|[A-Za-z]{3}, [0-9]{2} [A-Za-z]{3} [0-9]{4} [0-9:]{8} GMT");

    /** Whose key the call used: decides what a 401/403 means. */
    enum KeyKind { BYOK, PLATFORM, NONE }

    private ProviderErrors() {
    }

    /** The exception for an unsuccessful response; {@code secrets} are the secrets in play for the call. */
    static TollgateException map(String providerName, UpstreamResponse response, KeyKind keyKind,
                                 SecretRedactor secrets, String byokKeyId) {
        int status = response.status();
        String providerMessage = message(response, secrets);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("provider_status", status);
        if (status >= 300 && status < 400) {
            return new TollgateException(ErrorCode.UPSTREAM_REDIRECT, providerName + " answered with a redirect (HTTP "
                    + status + "), which Tollgate never follows so that a key cannot travel to another host; "
                    + "nothing was charged", details);
        }
        if ((status == 401 || status == 403) && keyKind == KeyKind.BYOK) {
            details.put("byok_key_id", byokKeyId);
            details.put("provider_message", providerMessage);
            return new TollgateException(ErrorCode.BYOK_KEY_REJECTED, providerName + " refused your key (HTTP " + status
                    + (providerMessage == null ? "" : ": " + providerMessage)
                    + "). Nothing was charged and Tollgate did not fall back to credits; fix or replace the key",
                    details);
        }
        if (status == 401 || status == 403) {
            return new TollgateException(ErrorCode.PROVIDER_AUTH_FAILED, providerName
                    + " refused the platform key; operators have been alerted. Nothing was charged", details);
        }
        if (status == 429) {
            details.put("provider_message", providerMessage);
            String retryAfter = response.header("retry-after");
            Map<String, String> headers = retryAfter != null && RETRY_AFTER.matcher(retryAfter.trim()).matches()
                    ? Map.of("Retry-After", retryAfter.trim()) : Map.of();
            return new TollgateException(ErrorCode.UPSTREAM_RATE_LIMITED, providerName
                    + " is rate-limiting these calls; retry later. Nothing was charged", details, headers);
        }
        if (status >= 500) {
            return new TollgateException(ErrorCode.UPSTREAM_ERROR, providerName + " failed (HTTP " + status
                    + "); nothing was charged", details);
        }
        if (status >= 400) {
            details.put("provider_message", providerMessage);
            return new TollgateException(ErrorCode.UPSTREAM_REJECTED_REQUEST, providerName + " rejected the request (HTTP "
                    + status + (providerMessage == null ? "" : ": " + providerMessage) + "); nothing was charged", details);
        }
        return new TollgateException(ErrorCode.UPSTREAM_ERROR, providerName + " answered with an unexpected status "
                + status + "; nothing was charged", details);
    }

    /** The provider's error message, if its body has one, without any secret. */
    static String message(UpstreamResponse response, SecretRedactor secrets) {
        byte[] body = response.body();
        if (body == null || body.length == 0) {
            return null;
        }
        String text = null;
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            if (json != null) {
                for (String pointer : MESSAGE_POINTERS) {
                    JsonNode node = json.at(pointer);
                    if (node.isTextual() && !node.textValue().isBlank()) {
                        text = node.textValue();
                        break;
                    }
                }
            }
        } catch (java.io.IOException notJson) {
            String type = response.contentType().toLowerCase(java.util.Locale.ROOT);
            if (type.startsWith("text/plain")) {
                text = new String(body, 0, Math.min(body.length, 2 * MAX_MESSAGE), StandardCharsets.UTF_8);
            }
        }
        if (text == null) {
            return null;
        }
        String scrubbed = Redactor.redact(secrets.redact(text));
        scrubbed = scrubbed.replaceAll("[\\r\\n\\t]+", " ").trim();
        return scrubbed.length() <= MAX_MESSAGE ? scrubbed : scrubbed.substring(0, MAX_MESSAGE) + "…";
    }
}
