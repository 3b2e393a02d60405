package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tollgate.auth.Acting;
import dev.tollgate.auth.Caller;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.PayerResolver.Mode;
import dev.tollgate.testing.InMemoryKeyVault;
import dev.tollgate.vault.KeysAtEntry;
import dev.tollgate.vault.ProviderKey;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** SPEC 7.1's rules, once, for calls and listings alike. */
class PayerResolverTest {
    private static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));

    private final InMemoryKeyVault vault = new InMemoryKeyVault();

    private static Acting acting(Plan plan) {
        Account account = new Account("acct_payer", Account.Type.PERSONAL, plan, Account.Status.ACTIVE, "p", Instant.EPOCH);
        return new Acting(new Caller("key_1", Caller.PrincipalType.PERSON, "acct_payer", "acct_payer"), account);
    }

    private static Provider provider(String id) {
        return CATALOG.provider(id).orElseThrow();
    }

    private static Operation operation(String tool, String op) {
        return CATALOG.operation(tool, op).orElseThrow();
    }

    private PayerResolver.Verdict decide(PayerResolver resolver, Acting acting, String tool, String op) {
        return resolver.decide(acting, provider(tool), operation(tool, op), resolver.forCall(acting));
    }

    @Test
    void freeOperationsAreFreeWhateverTheKeys() {
        PayerResolver resolver = new PayerResolver(vault, AgentKeyBindings.NONE);
        assertEquals(Mode.FREE, decide(resolver, acting(Plan.FREE), "context7", "get_docs").payer().mode());
    }

    @Test
    void ownKeyMeansByokOnAPlanThatAllowsItAndPlanRequiredOtherwise() {
        vault.register("acct_payer", "tavily", "tvly-ownKEY00000000000000001");
        vault.setPlatformKey("tavily", "tvly-platformKEY000000000001");
        PayerResolver resolver = new PayerResolver(vault, AgentKeyBindings.NONE);
        PayerResolver.Verdict pro = decide(resolver, acting(Plan.PRO), "tavily", "search");
        assertEquals(Mode.BYOK, pro.payer().mode());
        assertEquals("personal", pro.payer().keySource());
        assertEquals(ErrorCode.PLAN_REQUIRED, decide(resolver, acting(Plan.FREE), "tavily", "search").refusal());
        TollgateException refused = assertThrows(TollgateException.class, () -> resolver.payerOrThrow(acting(Plan.FREE),
                provider("tavily"), operation("tavily", "search")));
        assertEquals(ErrorCode.PLAN_REQUIRED, refused.code());
    }

    @Test
    void withoutAKeyCreditsWhenThePlatformHasOneElseTheRefusalThatSaysWhy() {
        PayerResolver resolver = new PayerResolver(vault, AgentKeyBindings.NONE);
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, decide(resolver, acting(Plan.PRO), "tavily", "search").refusal());
        assertEquals(ErrorCode.BYOK_REQUIRED, decide(resolver, acting(Plan.PRO), "ollama", "chat").refusal());
        vault.setPlatformKey("tavily", "tvly-platformKEY000000000001");
        PayerResolver.Verdict credits = decide(resolver, acting(Plan.PRO), "tavily", "search");
        assertEquals(Mode.CREDITS, credits.payer().mode());
        assertEquals("platform", credits.payer().keySource());
        assertNull(credits.refusal());
    }

    @Test
    void anAgentsPinnedKeyComesBeforeTheAccountsKey() {
        vault.register("acct_payer", "tavily", "tvly-ownKEY00000000000000001");
        ProviderKey pinned = vault.addKey("acct_payer", "tavily", "tvly-teamKEY0000000000000001", "workspace");
        PayerResolver resolver = new PayerResolver(vault, (acting, provider) -> Optional.of(pinned));
        PayerResolver.Verdict verdict = decide(resolver, acting(Plan.PRO), "tavily", "search");
        assertEquals(pinned, verdict.payer().key());
        assertEquals("agent", verdict.payer().keySource());
    }

    @Test
    void aCallUsesThePointersReadOnEntryForItsProviderOnly() {
        ProviderKey own = vault.register("acct_payer", "tavily", "tvly-ownKEY00000000000000001");
        vault.setPlatformKey("tavily", "tvly-platformKEY000000000001");
        PayerResolver resolver = new PayerResolver(vault, AgentKeyBindings.NONE);
        Acting base = acting(Plan.PRO);
        // Read on entry for another provider: the call reads its own provider's key.
        Acting otherProvider = new Acting(base.caller(), base.account(), base.role(), null, null,
                new KeysAtEntry("acct_payer", "exa", null, null, true));
        assertEquals(own, decide(resolver, otherProvider, "tavily", "search").payer().key());
    }

    @Test
    void aListingReadsTheAccountsKeysOnceAndAsksAnAgentsBindingsOncePerProvider() {
        vault.register("acct_payer", "tavily", "tvly-ownKEY00000000000000001");
        AtomicInteger bindingReads = new AtomicInteger();
        PayerResolver resolver = new PayerResolver(vault, (acting, provider) -> {
            bindingReads.incrementAndGet();
            return Optional.empty();
        });
        Acting acting = acting(Plan.PRO);
        PayerResolver.KeyLookup keys = resolver.forListing(acting);
        for (int i = 0; i < 3; i++) {
            assertEquals(Mode.BYOK, resolver.decide(acting, provider("tavily"), operation("tavily", "search"), keys)
                    .payer().mode());
        }
        assertEquals(1, bindingReads.get());
    }
}
