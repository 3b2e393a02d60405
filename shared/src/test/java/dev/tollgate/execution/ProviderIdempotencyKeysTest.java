package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The key forwarded to providers that de-duplicate: stable, namespaced, one-way, short. */
class ProviderIdempotencyKeysTest {
    private static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));
    private static final Operation LINK = CATALOG.operation("stripe", "create_payment_link").orElseThrow();
    private static final Operation EMAIL = CATALOG.operation("resend", "send_email").orElseThrow();

    @Test
    void theSameCustomerKeyGivesTheSameProviderKeyOnEveryRetry() {
        assertEquals(ProviderIdempotencyKeys.derive("acct_1", LINK, "order-42"),
                ProviderIdempotencyKeys.derive("acct_1", LINK, "order-42"));
    }

    @Test
    void keysAreNamespacedByAccountAndOperation() {
        String key = ProviderIdempotencyKeys.derive("acct_1", LINK, "order-42");
        assertNotEquals(key, ProviderIdempotencyKeys.derive("acct_2", LINK, "order-42"), "another account");
        assertNotEquals(key, ProviderIdempotencyKeys.derive("acct_1", EMAIL, "order-42"), "another operation");
        assertNotEquals(key, ProviderIdempotencyKeys.derive("acct_1", LINK, "order-43"), "another key");
        // The separator cannot be forged by moving characters between the parts.
        assertNotEquals(ProviderIdempotencyKeys.derive("acct_1", LINK, "a\nb"),
                ProviderIdempotencyKeys.derive("acct_1\na", LINK, "b"));
    }

    @Test
    void theCustomerKeyNeverReachesTheProviderAndFitsEveryLimit() {
        String customerKey = "welcome-user/ada@example.com";
        String key = ProviderIdempotencyKeys.derive("acct_1", EMAIL, customerKey);
        assertFalse(key.contains("ada"), key);
        assertFalse(key.contains("acct_1"), key);
        assertEquals(46, key.length());
        assertTrue(key.matches("tg_[A-Za-z0-9_-]{43}"), key);
        assertEquals(46, ProviderIdempotencyKeys.derive("acct_1", EMAIL, "k".repeat(255)).length());
    }
}
