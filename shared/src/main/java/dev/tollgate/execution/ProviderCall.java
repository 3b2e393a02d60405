package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.ResponseFormat;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.execution.PayerResolver.Payer;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.log.Log;
import dev.tollgate.log.SecretRedactor;
import dev.tollgate.vault.KeyVault;
import dev.tollgate.vault.ProviderKey;
import java.io.IOException;

/**
 * The call-upstream stage (SPEC 7.4): the provider called with the payer's key (the customer's decrypted for this
 * call only, the platform's, or none), whole, streamed through to the caller, or through a federated MCP server; its
 * answer redacted of every secret in play, mapped to Tollgate's errors when refused, and checked renderable before
 * any money moves. A BYOK key's status follows the provider's verdict.
 */
final class ProviderCall {
    private static final Log LOG = Log.get(ProviderCall.class);

    /** A successful provider answer: the result for the caller and the document pricing reads usage from. */
    record Called(JsonNode result, JsonNode priced) {
    }

    private final KeyVault vault;
    private final Upstream upstream;
    private final FederatedCall federated;
    private final CatalogAdapter adapter = new CatalogAdapter();

    ProviderCall(KeyVault vault, Upstream upstream, FederatedCall federated) {
        this.vault = vault;
        this.upstream = upstream;
        this.federated = federated;
    }

    Called call(CallAttempt a, ObjectNode input) {
        long started = System.nanoTime();
        Payer r = a.payer;
        try {
            switch (r.mode()) {
                case FREE:
                    return exchange(a, input, null, ProviderErrors.KeyKind.NONE, null);
                case BYOK: {
                    ProviderKey key = r.key();
                    try {
                        Called called = vault.useSecret(key, secret ->
                                exchange(a, input, secret, ProviderErrors.KeyKind.BYOK, key.id()));
                        if (key.status() == ProviderKey.Status.REJECTED) {
                            markQuietly(() -> vault.markActive(key));
                        }
                        return called;
                    } catch (TollgateException e) {
                        if (e.code() == ErrorCode.BYOK_KEY_REJECTED) {
                            int status = (Integer) e.details().get("provider_status");
                            markQuietly(() -> vault.markRejected(key, status));
                        }
                        throw e;
                    }
                }
                case CREDITS:
                default: {
                    try {
                        return vault.usePlatformSecret(a.provider.id(), secret ->
                                exchange(a, input, secret, ProviderErrors.KeyKind.PLATFORM, null))
                                .orElseThrow(() -> PayerResolver.providerUnavailable(a.provider));
                    } catch (TollgateException e) {
                        if (e.code() == ErrorCode.PROVIDER_AUTH_FAILED) {
                            LOG.error("platform key refused by provider", null, "provider", a.provider.id(),
                                    "provider_status", e.details().get("provider_status"), "alarm", "platform_key_rejected");
                        }
                        throw e;
                    }
                }
            }
        } finally {
            a.upstreamMs = (System.nanoTime() - started) / 1_000_000;
            a.upstreamCalled = true;
        }
    }

    private Called exchange(CallAttempt a, ObjectNode input, dev.tollgate.vault.Secret secret, ProviderErrors.KeyKind kind,
                            String byokKeyId) {
        if (a.streaming != null) {
            return exchangeStreaming(a, input, secret, kind, byokKeyId);
        }
        // Nothing the provider sent travels on (result, error, stored response, log) with a secret of this call in it.
        SecretRedactor inPlay = SecretRedactor.of(secret == null ? null : secret.reveal(), a.acting.bearerToken());
        UpstreamResponse response = (a.provider.isFederated()
                ? federated.call(a.provider, a.operation, input, secret)
                : upstream.send(adapter.build(a.provider, a.operation, input, secret, providerIdempotencyKey(a))))
                .redacted(inPlay);
        if (!response.isSuccess()) {
            throw ProviderErrors.map(a.provider.name(), response, kind, inPlay, byokKeyId);
        }
        JsonNode result = adapter.result(a.operation, response);
        ResultRendering.requireRenderable(result);
        return new Called(result, a.operation.response() == ResponseFormat.BINARY ? NullNode.getInstance() : result);
    }

    /** The key forwarded to a provider that de-duplicates repeats: derived from the caller's, never the caller's own. */
    private static String providerIdempotencyKey(CallAttempt a) {
        return a.idempotencyKey() == null || a.operation.effects().idempotencyHeader().isEmpty() ? null
                : ProviderIdempotencyKeys.derive(a.accountId(), a.operation, a.idempotencyKey());
    }

    /** The provider's streamed answer, relayed to the caller as it arrives; its assembled response is priced. */
    private Called exchangeStreaming(CallAttempt a, ObjectNode input, dev.tollgate.vault.Secret secret,
                                     ProviderErrors.KeyKind kind, String byokKeyId) {
        StreamingCall streaming = a.streaming;
        UpstreamRequest request = streaming.streamingRequest(
                adapter.build(a.provider, a.operation, streaming.streamingInput(input), secret));
        String mode = a.payer.mode().wire();
        SecretRedactor inPlay = SecretRedactor.of(secret == null ? null : secret.reveal(), a.acting.bearerToken());
        UpstreamClient.Streamed streamed = upstream.stream(request, (headers, body) -> streaming.relay(body, mode, inPlay));
        if (streamed.refused() != null) {
            throw ProviderErrors.map(a.provider.name(), streamed.refused().redacted(inPlay), kind, inPlay, byokKeyId);
        }
        // Priced, stored for replays and recorded as the whole answer would be: redacted as the whole answer is.
        JsonNode assembled = redacted(streamed.assembled(), inPlay);
        return new Called(assembled, assembled);
    }

    private static JsonNode redacted(JsonNode json, SecretRedactor secrets) {
        String text = Json.write(json);
        String clean = secrets.redact(text);
        if (clean.equals(text)) {
            return json;
        }
        try {
            return Json.MAPPER.readTree(clean);
        } catch (IOException e) {
            throw new IllegalStateException("redaction keeps a JSON document JSON", e);
        }
    }

    private static void markQuietly(Runnable mark) {
        try {
            mark.run();
        } catch (RuntimeException e) {
            LOG.error("updating a key's status failed", e);
        }
    }
}
