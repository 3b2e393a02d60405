package dev.tollgate.account;

import dev.tollgate.domain.Account;
import java.util.Optional;

/** Port to account profiles. Balances belong to the {@link dev.tollgate.billing.CreditLedger}. */
public interface AccountStore {
    /** Creates the profile and its zero balance shards in one atomic write. */
    void create(Account account, int balanceShards);

    Optional<Account> find(String accountId);

    /**
     * The profile and its balance in one read (the profile and the {@code balanceShards} shard items), so a request
     * learns who it acts for and how many credits it has in a single round trip. Empty when that is not possible
     * (unknown account, or an account with another number of shards): callers then read the two separately.
     */
    Optional<AccountWithBalance> findWithBalance(String accountId, int balanceShards);

    record AccountWithBalance(Account account, dev.tollgate.billing.Balance balance) {
    }

    /** Replaces plan and status; fails with not_found when the account does not exist. */
    Account update(Account account);
}
