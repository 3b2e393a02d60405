package dev.tollgate.execution;

import dev.tollgate.auth.Acting;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Pricing;
import dev.tollgate.catalog.Provider;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.vault.KeyVault;
import dev.tollgate.vault.KeysAtEntry;
import dev.tollgate.vault.ProviderKey;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who pays for a call (SPEC 7.1), written once for every place that asks: an execution through any door (REST, MCP,
 * A2A, tool-calls, the OpenAI door) and the tool listings ({@code GET /api/v1/tools}, MCP {@code tools/list}, OpenAI
 * {@code /v1/models}). In order: a free operation is free; an agent's pinned key, then the account's own key, makes
 * it BYOK (on a plan that allows BYOK); otherwise credits with the platform key, if the provider offers credits and
 * the platform has its key.
 */
final class PayerResolver {

    enum Mode {
        FREE, BYOK, CREDITS;

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Who pays: the mode, the customer's key in BYOK mode, and where that key comes from (or "platform"). */
    record Payer(Mode mode, ProviderKey key, String keySource) {
    }

    /** A payer, or the refusal a call gets: plan_required, byok_required or provider_unavailable. */
    record Verdict(Payer payer, ErrorCode refusal) {
    }

    /**
     * The key a call for a provider would use, in rule order: the agent's pinned key, else the account's own key
     * (providers that take customer keys only), with its source ("agent", "personal", "workspace").
     */
    @FunctionalInterface
    interface KeyLookup {
        Optional<Payer> byokPayer(Provider provider);
    }

    private final KeyVault vault;
    private final AgentKeyBindings agents;

    PayerResolver(KeyVault vault, AgentKeyBindings agents) {
        this.vault = vault;
        this.agents = agents;
    }

    /** Keys for one call: the pointers read on entry when they are for this provider, else one read now. */
    KeyLookup forCall(Acting acting) {
        return provider -> pinned(acting, provider).or(() -> {
            if (!provider.byok()) {
                return Optional.empty();
            }
            KeysAtEntry read = acting.keysAtEntry();
            Optional<ProviderKey> key = read != null && read.isFor(acting.accountId(), provider.id())
                    ? vault.activeKey(read) : vault.activeKey(acting.accountId(), provider.id());
            return key.map(PayerResolver::own);
        });
    }

    /** Keys for a listing: the account's keys read once, each provider's answer remembered for the listing. */
    KeyLookup forListing(Acting acting) {
        Map<String, ProviderKey> accountKeys = new HashMap<>();
        boolean[] loaded = {false};
        Map<String, Optional<Payer>> answers = new HashMap<>();
        return provider -> answers.computeIfAbsent(provider.id(), id -> pinned(acting, provider).or(() -> {
            if (!provider.byok()) {
                return Optional.empty();
            }
            if (!loaded[0]) {
                accountKeys.putAll(vault.activeKeys(acting.accountId()));
                loaded[0] = true;
            }
            return Optional.ofNullable(accountKeys.get(id)).map(PayerResolver::own);
        }));
    }

    private Optional<Payer> pinned(Acting acting, Provider provider) {
        return agents.pinnedKey(acting, provider.id()).map(key -> new Payer(Mode.BYOK, key, "agent"));
    }

    private static Payer own(ProviderKey key) {
        return new Payer(Mode.BYOK, key, key.scope());
    }

    Verdict decide(Acting acting, Provider provider, Operation operation, KeyLookup keys) {
        if (operation.isFree()) {
            return new Verdict(new Payer(Mode.FREE, null, null), null);
        }
        Optional<Payer> byok = keys.byokPayer(provider);
        if (byok.isPresent()) {
            return acting.account().plan().allowsByok() ? new Verdict(byok.get(), null)
                    : new Verdict(null, ErrorCode.PLAN_REQUIRED);
        }
        if (operation.pricing() instanceof Pricing.ByokOnly || !provider.platformKey()) {
            return new Verdict(null, ErrorCode.BYOK_REQUIRED);
        }
        if (!vault.platformProviders().contains(provider.id())) {
            return new Verdict(null, ErrorCode.PROVIDER_UNAVAILABLE);
        }
        return new Verdict(new Payer(Mode.CREDITS, null, "platform"), null);
    }

    /** The payer of a call, or its refusal as the error the caller gets. */
    Payer payerOrThrow(Acting acting, Provider provider, Operation operation) {
        Verdict verdict = decide(acting, provider, operation, forCall(acting));
        if (verdict.refusal() == null) {
            return verdict.payer();
        }
        throw switch (verdict.refusal()) {
            case PLAN_REQUIRED -> new TollgateException(ErrorCode.PLAN_REQUIRED, "BYOK requires the Pro plan or "
                    + "higher: your " + provider.name() + " key is kept but cannot be used on the "
                    + acting.account().plan().wire() + " plan. Upgrade, or delete the key to pay with credits",
                    Map.of("provider", provider.id()));
            case BYOK_REQUIRED -> new TollgateException(ErrorCode.BYOK_REQUIRED, provider.name()
                    + " is only available with your own key: register one with POST /api/v1/byok",
                    Map.of("provider", provider.id()));
            default -> providerUnavailable(provider);
        };
    }

    static TollgateException providerUnavailable(Provider provider) {
        return new TollgateException(ErrorCode.PROVIDER_UNAVAILABLE, provider.name()
                + " is not available with credits right now; register your own key to use it",
                Map.of("provider", provider.id()));
    }
}
