package dev.tollgate.auth;

import dev.tollgate.billing.Balance;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Role;
import dev.tollgate.vault.KeysAtEntry;

/**
 * A customer request after authentication: who is calling, which account it acts for (personal or a workspace),
 * the caller's role there, the account's balance as read on entry ({@code null} when it was not read), which
 * answers {@code credits_remaining} for calls that do not move credits without another read, and the bearer token
 * the request presented ({@code null} when not known), a secret in play that execution redacts from upstream text,
 * and the account's key pointers for the provider the request calls as read on entry ({@code null} when not read),
 * which tell execution who pays without another read.
 */
public record Acting(Caller caller, Account account, Role role, Balance balanceAtEntry, String bearerToken,
                     KeysAtEntry keysAtEntry) {

    public Acting(Caller caller, Account account, Role role, Balance balanceAtEntry, String bearerToken) {
        this(caller, account, role, balanceAtEntry, bearerToken, null);
    }

    public Acting(Caller caller, Account account, Role role, Balance balanceAtEntry) {
        this(caller, account, role, balanceAtEntry, null);
    }

    public Acting(Caller caller, Account account, Role role) {
        this(caller, account, role, null, null);
    }

    /** A caller acting for its own home account: a person for their personal account, an agent for its workspace. */
    public Acting(Caller caller, Account account) {
        this(caller, account, caller.isAgent() ? Role.AGENT : Role.OWNER, null, null);
    }

    /**
     * The same caller once what was read on entry may be stale (a call of the same request moved credits or changed a
     * key's status): the engine then reads the balance and the keys again where it would have answered from the
     * entry read. The bearer token stays: it is still a secret in play.
     */
    public Acting withoutEntryBalance() {
        return balanceAtEntry == null && keysAtEntry == null ? this
                : new Acting(caller, account, role, null, bearerToken, null);
    }

    public String accountId() {
        return account.id();
    }

    public boolean isWorkspace() {
        return account.type() == Account.Type.WORKSPACE;
    }

    @Override
    public String toString() {
        return "Acting[caller=" + caller + ", account=" + account.id() + ", role=" + role + "]";
    }
}
