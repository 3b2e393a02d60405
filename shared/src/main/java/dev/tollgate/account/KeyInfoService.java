package dev.tollgate.account;

import dev.tollgate.auth.Acting;
import dev.tollgate.billing.Balance;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.domain.Credits;
import dev.tollgate.vault.KeyRegistry;
import dev.tollgate.vault.KeyVault;
import dev.tollgate.vault.ProviderKey;
import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/v1/key}: the calling key, its account's plan and credits, and who pays for each provider; and
 * {@code GET /api/v1/providers}: what each provider takes (key format) and offers (credits, free).
 */
public final class KeyInfoService {
    private final AccountService accounts;
    private final ProviderCatalog catalog;
    private final KeyRegistry keys;
    private final KeyVault vault;

    public KeyInfoService(AccountService accounts, ProviderCatalog catalog, KeyRegistry keys, KeyVault vault) {
        this.accounts = accounts;
        this.catalog = catalog;
        this.keys = keys;
        this.vault = vault;
    }

    public record ByokProvider(String provider, String status, String registered, String id, String hint) {
    }

    public record KeyInfo(String keyId, String accountId, String accountType, String plan, BigDecimal creditsRemaining,
                          BigDecimal creditsHeld, List<ByokProvider> byokProviders, List<String> creditProviders) {
    }

    public KeyInfo describe(Acting acting) {
        Balance balance = acting.balanceAtEntry() != null ? acting.balanceAtEntry() : accounts.balance(acting.accountId());
        // A registered key covers its provider whatever its status: a rejected key is still tried (SPEC §7.1), and
        // a downgraded plan fails with plan_required; neither falls back to credits.
        // Members and agents learn who pays for a provider, not which key (ids and hints are for admins).
        boolean seesKeys = acting.role().canManage();
        List<ByokProvider> byok = keys.activeKeys(acting.accountId()).stream().map(k -> view(k, seesKeys)).toList();
        Set<String> platform = vault.platformProviders();
        List<String> credit = catalog.creditProviders().stream()
                .map(Provider::id)
                .filter(platform::contains)
                .filter(id -> byok.stream().noneMatch(b -> b.provider().equals(id)))
                .toList();
        return new KeyInfo(acting.caller().keyId(), acting.accountId(), acting.account().type().wire(),
                acting.account().plan().wire(), Credits.toCredits(balance.available()), Credits.toCredits(balance.held()),
                byok, credit);
    }

    /**
     * One catalog provider as a key form needs it: whether it takes your own key and in which format, whether
     * credits are offered for it now (a platform key is configured), and whether it is free.
     */
    public record ProviderInfo(String id, String name, boolean byok, String keyFormat, boolean credits, boolean free) {
    }

    /** {@code GET /api/v1/providers}: the catalog's providers, in catalog order. */
    public List<ProviderInfo> providers() {
        Set<String> platform = vault.platformProviders();
        return catalog.providers().stream()
                .map(p -> new ProviderInfo(p.id(), p.name(), p.byok(), p.keyFormat().orElse(null),
                        p.platformKey() && platform.contains(p.id()), p.isFree()))
                .toList();
    }

    private static ByokProvider view(ProviderKey key, boolean withIdentity) {
        return new ByokProvider(key.provider(), key.status().wire(),
                key.createdAt().atZone(ZoneOffset.UTC).toLocalDate().toString(), withIdentity ? key.id() : null,
                withIdentity ? key.hint() : null);
    }
}
