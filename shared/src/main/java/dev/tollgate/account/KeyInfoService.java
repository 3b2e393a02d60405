package dev.tollgate.account;

import dev.tollgate.app.Acting;
import dev.tollgate.billing.Balance;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.domain.Credits;
import java.math.BigDecimal;
import java.util.List;

/** {@code GET /api/v1/key}: the calling key, its account's plan and credits, and who pays for each provider. */
public final class KeyInfoService {
    private final AccountService accounts;
    private final ProviderCatalog catalog;

    public KeyInfoService(AccountService accounts, ProviderCatalog catalog) {
        this.accounts = accounts;
        this.catalog = catalog;
    }

    public record ByokProvider(String provider, String status, String registered, String id, String hint) {
    }

    public record KeyInfo(String keyId, String accountId, String accountType, String plan, BigDecimal creditsRemaining,
                          BigDecimal creditsHeld, List<ByokProvider> byokProviders, List<String> creditProviders) {
    }

    public KeyInfo describe(Acting acting) {
        Balance balance = accounts.balance(acting.accountId());
        List<ByokProvider> byok = List.of();
        List<String> credit = catalog.creditProviders().stream()
                .map(Provider::id)
                .filter(id -> byok.stream().noneMatch(b -> b.provider().equals(id)))
                .toList();
        return new KeyInfo(acting.caller().keyId(), acting.accountId(), acting.account().type().wire(),
                acting.account().plan().wire(), Credits.toCredits(balance.available()), Credits.toCredits(balance.held()),
                byok, credit);
    }
}
