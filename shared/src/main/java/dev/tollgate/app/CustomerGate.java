package dev.tollgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.account.AccountService;
import dev.tollgate.auth.Acting;
import dev.tollgate.auth.Authenticator;
import dev.tollgate.auth.Caller;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Role;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.workspace.WorkspaceStore;
import java.util.Optional;

/**
 * The door every customer route goes through: authenticate the bearer token, then resolve the account the request
 * acts for and the caller's role there (SPEC §4). A person acts for their personal account unless the request names
 * a workspace ({@code X-Tollgate-Workspace} header, or {@code "workspace"} in a JSON body) of which they are a
 * member; an agent always acts for its own workspace. A workspace the caller does not belong to does not exist for
 * them (404, never 403). Suspended accounts are refused.
 */
public final class CustomerGate {
    public static final String WORKSPACE_HEADER = "X-Tollgate-Workspace";

    private final Authenticator authenticator;
    private final AccountService accounts;
    private final WorkspaceStore workspaces;

    public CustomerGate(Authenticator authenticator, AccountService accounts, WorkspaceStore workspaces) {
        this.authenticator = authenticator;
        this.accounts = accounts;
        this.workspaces = workspaces;
    }

    public Acting enter(ApiRequest request) {
        Caller caller = authenticator.authenticate(request.header("authorization"));
        Optional<String> named = request.header(WORKSPACE_HEADER).or(() -> workspaceInBody(request));
        if (caller.isAgent()) {
            if (named.isPresent() && !named.get().equals(caller.homeAccountId())) {
                throw TollgateException.notFound("Workspace");
            }
            return acting(request, caller, caller.homeAccountId(), Role.AGENT);
        }
        if (named.isEmpty() || named.get().equals(caller.homeAccountId())) {
            return acting(request, caller, caller.homeAccountId(), Role.OWNER);
        }
        return actFor(request, caller, named.get());
    }

    /** The caller acting for workspace {@code workspaceId} (a path parameter), with their role there. */
    public Acting enterWorkspace(ApiRequest request, String workspaceId) {
        Caller caller = authenticator.authenticate(request.header("authorization"));
        if (caller.isAgent()) {
            if (!workspaceId.equals(caller.homeAccountId())) {
                throw TollgateException.notFound("Workspace");
            }
            return acting(request, caller, workspaceId, Role.AGENT);
        }
        return actFor(request, caller, workspaceId);
    }

    private Acting actFor(ApiRequest request, Caller caller, String workspaceId) {
        if (!Ids.looksLike(workspaceId, "ws")) {
            throw TollgateException.notFound("Workspace");
        }
        Role role = workspaces.membership(workspaceId, caller.principalId())
                .orElseThrow(() -> TollgateException.notFound("Workspace")).role();
        return acting(request, caller, workspaceId, role);
    }

    private Acting acting(ApiRequest request, Caller caller, String accountId, Role role) {
        var both = accounts.requireActiveWithBalance(accountId);
        return new Acting(caller, both.account(), role, both.balance(),
                Authenticator.bearerToken(request.header("authorization")).orElse(null));
    }

    /** A JSON body's "workspace", if any; the parse is kept for the endpoint. */
    private static Optional<String> workspaceInBody(ApiRequest request) {
        return request.jsonObjectIfAny()
                .map(body -> body.get("workspace"))
                .filter(JsonNode::isTextual)
                .map(JsonNode::asText);
    }

}
