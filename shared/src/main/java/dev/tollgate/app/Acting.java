package dev.tollgate.app;

import dev.tollgate.auth.Caller;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Role;

/**
 * A customer request after authentication: who is calling, which account it acts for (personal or a workspace),
 * and the caller's role there.
 */
public record Acting(Caller caller, Account account, Role role) {

    /** A caller acting for its own home account: a person for their personal account, an agent for its workspace. */
    public Acting(Caller caller, Account account) {
        this(caller, account, caller.isAgent() ? Role.AGENT : Role.OWNER);
    }

    public String accountId() {
        return account.id();
    }

    public boolean isWorkspace() {
        return account.type() == Account.Type.WORKSPACE;
    }
}
