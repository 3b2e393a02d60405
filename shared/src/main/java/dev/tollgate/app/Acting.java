package dev.tollgate.app;

import dev.tollgate.auth.Caller;
import dev.tollgate.domain.Account;

/** A customer request after authentication: who is calling and which account it acts for. */
public record Acting(Caller caller, Account account) {
    public String accountId() {
        return account.id();
    }
}
