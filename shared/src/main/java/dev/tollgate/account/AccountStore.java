package dev.tollgate.account;

import dev.tollgate.domain.Account;
import java.util.Optional;

/** Port to account profiles. Balances belong to the {@link dev.tollgate.billing.CreditLedger}. */
public interface AccountStore {
    /** Creates the profile and its zero balance shards in one atomic write. */
    void create(Account account, int balanceShards);

    Optional<Account> find(String accountId);

    /** Replaces plan and status; fails with not_found when the account does not exist. */
    Account update(Account account);
}
