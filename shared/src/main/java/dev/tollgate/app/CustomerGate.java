package dev.tollgate.app;

import dev.tollgate.account.AccountService;
import dev.tollgate.auth.Authenticator;
import dev.tollgate.auth.Caller;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;

/**
 * The door every customer route goes through: authenticate the bearer token, then resolve the account the request
 * acts for and refuse suspended accounts. A request may name a workspace ({@code X-Tollgate-Workspace}); until the
 * caller is a member of it, that workspace does not exist for them (404, never 403).
 */
public final class CustomerGate {
    public static final String WORKSPACE_HEADER = "X-Tollgate-Workspace";

    private final Authenticator authenticator;
    private final AccountService accounts;

    public CustomerGate(Authenticator authenticator, AccountService accounts) {
        this.authenticator = authenticator;
        this.accounts = accounts;
    }

    public Acting enter(ApiRequest request) {
        Caller caller = authenticator.authenticate(request.header("authorization"));
        String actingAccountId = caller.homeAccountId();
        var workspace = request.header(WORKSPACE_HEADER);
        if (workspace.isPresent() && !workspace.get().equals(actingAccountId)) {
            throw TollgateException.notFound("Workspace");
        }
        Account account = accounts.requireActive(actingAccountId);
        return new Acting(caller, account);
    }
}
