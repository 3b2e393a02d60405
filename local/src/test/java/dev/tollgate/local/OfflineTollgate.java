package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.RepoRoot;
import java.util.Map;

/**
 * {@code ./tollgate local --mock-upstreams} in-process, for tests: the local runner with every provider pointed at
 * the fake providers and their fake platform keys registered through the operator API, as the runner does.
 */
final class OfflineTollgate implements AutoCloseable {
    final MockUpstreams mocks;
    final LocalTollgate tollgate;
    /** The base URL without a trailing slash. */
    final String base;

    private OfflineTollgate(MockUpstreams mocks, LocalTollgate tollgate) {
        this.mocks = mocks;
        this.tollgate = tollgate;
        this.base = tollgate.baseUrl().toString().replaceAll("/$", "");
    }

    static OfflineTollgate start() {
        MockUpstreams mocks = MockUpstreams.start(ProviderCatalog.load(Config.of(Map.of())));
        try {
            LocalTollgate tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find())
                    .withEnvironment(mocks.environment()));
            Map<String, Integer> registered = mocks.registerPlatformKeys(tollgate.baseUrl(), tollgate.adminToken());
            assertTrue(registered.values().stream().allMatch(s -> s == 200), registered.toString());
            return new OfflineTollgate(mocks, tollgate);
        } catch (RuntimeException | Error e) {
            mocks.close();
            throw e;
        }
    }

    /** A fresh pro person with {@code credits} and an API key (its token); tests never share accounts. */
    String customer(long credits) {
        var accounts = tollgate.services().accountService();
        Account account = accounts.create(Account.Type.PERSONAL, Plan.PRO, "test", "test");
        if (credits > 0) {
            accounts.topUp(account.id(), credits * Credits.MICROS_PER_CREDIT, "seed-" + account.id(), "test");
        }
        return accounts.issueApiKey(account.id(), "k", "test").token();
    }

    @Override
    public void close() {
        try {
            tollgate.close();
        } finally {
            mocks.close();
        }
    }
}
