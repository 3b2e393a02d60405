package dev.tollgate.execution;

import dev.tollgate.catalog.Operation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The idempotency key Tollgate forwards to a provider that honours one (catalog {@code idempotency_header}),
 * derived from the customer's Idempotency-Key. It is stable across the customer's retries, so the provider acts at
 * most once; namespaced by account and operation, so two customers' {@code order-1} never meet at the platform's
 * provider account; and one-way (SHA-256), so the customer's key, which may carry their own identifiers, never
 * reaches the provider. 46 characters, within every provider's limit (Stripe 255, Resend 256).
 */
final class ProviderIdempotencyKeys {
    private static final String DOMAIN = "tollgate/provider-idempotency-key/v1";

    private ProviderIdempotencyKeys() {
    }

    static String derive(String accountId, Operation operation, String customerKey) {
        String material = String.join("\n", DOMAIN, accountId, operation.tool(), operation.id(), customerKey);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return "tg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
