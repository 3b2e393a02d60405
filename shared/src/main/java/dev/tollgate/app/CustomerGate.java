package dev.tollgate.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.account.AccountService;
import dev.tollgate.auth.Acting;
import dev.tollgate.auth.ApiKeyTokens;
import dev.tollgate.auth.Authenticator;
import dev.tollgate.auth.Caller;
import dev.tollgate.auth.EntryStore;
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
    private final EntryStore entries;
    private final int balanceShards;
    private final AccountService accounts;
    private final WorkspaceStore workspaces;

    public CustomerGate(Authenticator authenticator, EntryStore entries, int balanceShards, AccountService accounts,
                        WorkspaceStore workspaces) {
        this.authenticator = authenticator;
        this.entries = entries;
        this.balanceShards = balanceShards;
        this.accounts = accounts;
        this.workspaces = workspaces;
    }

    public Acting enter(ApiRequest request) {
        return enter(request, null);
    }

    /**
     * As {@link #enter(ApiRequest)}, also reading the account's key pointers for {@code provider} (the provider the
     * request is about to call; null or not id-shaped: none), in the same round trip as the key and the account.
     */
    public Acting enter(ApiRequest request, String provider) {
        Optional<String> named = request.header(WORKSPACE_HEADER).or(() -> workspaceInBody(request));
        String token = Authenticator.bearerToken(request.header("authorization")).orElse(null);
        Optional<String> home = token != null && ApiKeyTokens.isWellFormed(token)
                ? ApiKeyTokens.accountOf(token) : Optional.empty();
        if (home.isEmpty()) {
            // No token, a malformed one (401 without a read) or a first-format token: the key is read on its own.
            return actFor(request, authenticator.authenticate(request.header("authorization")), named, null);
        }
        // The account the request acts for is known before any read: the token's, or the workspace it names.
        String target = named.filter(id -> Ids.looksLike(id, "ws")).orElse(home.get());
        String hash = ApiKeyTokens.hash(token);
        EntryStore.Entry entry = entries.read(hash, target, balanceShards,
                provider != null && Ids.isIdShaped(provider) ? provider : null);
        Caller caller = authenticator.accept(entry.apiKey(), hash);
        if (!caller.homeAccountId().equals(home.get())) {
            throw TollgateException.unauthorized();
        }
        return actFor(request, caller, named, entry);
    }

    private Acting actFor(ApiRequest request, Caller caller, Optional<String> named, EntryStore.Entry entry) {
        if (caller.isAgent()) {
            if (named.isPresent() && !named.get().equals(caller.homeAccountId())) {
                throw TollgateException.notFound("Workspace");
            }
            return acting(request, caller, caller.homeAccountId(), Role.AGENT, entry);
        }
        if (named.isEmpty() || named.get().equals(caller.homeAccountId())) {
            return acting(request, caller, caller.homeAccountId(), Role.OWNER, entry);
        }
        return actForWorkspace(request, caller, named.get(), entry);
    }

    /** The caller acting for workspace {@code workspaceId} (a path parameter), with their role there. */
    public Acting enterWorkspace(ApiRequest request, String workspaceId) {
        Caller caller = authenticator.authenticate(request.header("authorization"));
        if (caller.isAgent()) {
            if (!workspaceId.equals(caller.homeAccountId())) {
                throw TollgateException.notFound("Workspace");
            }
            return acting(request, caller, workspaceId, Role.AGENT, null);
        }
        return actForWorkspace(request, caller, workspaceId, null);
    }

    private Acting actForWorkspace(ApiRequest request, Caller caller, String workspaceId, EntryStore.Entry entry) {
        if (!Ids.looksLike(workspaceId, "ws")) {
            throw TollgateException.notFound("Workspace");
        }
        Role role = workspaces.membership(workspaceId, caller.principalId())
                .orElseThrow(() -> TollgateException.notFound("Workspace")).role();
        return acting(request, caller, workspaceId, role, entry);
    }

    /** Acting for {@code accountId}: from the entry read when it answered for that account, else read now. */
    private Acting acting(ApiRequest request, Caller caller, String accountId, Role role, EntryStore.Entry entry) {
        String token = Authenticator.bearerToken(request.header("authorization")).orElse(null);
        if (entry != null && entry.account() != null && entry.account().id().equals(accountId)) {
            AccountService.refuseSuspended(entry.account());
            return new Acting(caller, entry.account(), role, entry.balance(), token, entry.keys());
        }
        var both = accounts.requireActiveWithBalance(accountId);
        return new Acting(caller, both.account(), role, both.balance(), token);
    }

    /** A JSON body's "workspace", if any; the parse is kept for the endpoint. */
    private static Optional<String> workspaceInBody(ApiRequest request) {
        return request.jsonObjectIfAny()
                .map(body -> body.get("workspace"))
                .filter(JsonNode::isTextual)
                .map(JsonNode::asText);
    }
}
