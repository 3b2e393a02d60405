package dev.tollgate.workspace;

import dev.tollgate.account.AccountService;
import dev.tollgate.account.IssuedApiKey;
import dev.tollgate.audit.AuditTrail;
import dev.tollgate.auth.Acting;
import dev.tollgate.auth.ApiKeyStore;
import dev.tollgate.auth.Caller;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.Role;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.vault.KeyRegistry;
import dev.tollgate.vault.KeyVault;
import dev.tollgate.vault.ProviderKey;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Workspaces, their members and their agents (SPEC §4, §9.1, §9.2), with object-level authorization on every call:
 * a workspace the caller does not belong to is 404; a member may read but not manage (403); an agent acts only
 * for its own account and may not touch members or other agents. Agents belong to an account: a workspace's, or a
 * person's own (personal agents, managed by that person under the same rules as a workspace admin).
 */
public final class WorkspaceService {
    /** A workspace view for its members. */
    public record WorkspaceView(Account workspace, Role role) {
    }

    /** A created agent and its API key (shown once). */
    public record CreatedAgent(Agent agent, IssuedApiKey apiKey) {
    }

    private final WorkspaceStore store;
    private final AccountService accounts;
    private final ApiKeyStore apiKeys;
    private final KeyVault vault;
    private final KeyRegistry keys;
    private final AuditTrail audit;
    private final Clock clock;
    private final int balanceShards;

    public WorkspaceService(WorkspaceStore store, AccountService accounts, ApiKeyStore apiKeys, KeyVault vault,
                            KeyRegistry keys, AuditTrail audit, Clock clock, int balanceShards) {
        this.keys = keys;
        this.store = store;
        this.accounts = accounts;
        this.apiKeys = apiKeys;
        this.vault = vault;
        this.audit = audit;
        this.clock = clock;
        this.balanceShards = balanceShards;
    }

    /** A person creates a workspace and becomes its first admin; it starts on the free plan until an operator sets one. */
    public WorkspaceView create(Acting acting, String name) {
        Caller caller = acting.caller();
        if (caller.isAgent()) {
            throw new TollgateException(ErrorCode.FORBIDDEN, "Agents cannot create workspaces");
        }
        Instant now = clock.instant();
        Account workspace = new Account(Ids.newId("ws", now), Account.Type.WORKSPACE, Plan.FREE, Account.Status.ACTIVE,
                name, now);
        store.create(workspace, new Membership(workspace.id(), caller.principalId(), Role.ADMIN, now,
                caller.principalId()), balanceShards);
        audit.record(workspace.id(), caller.principalId(), "workspace.created", workspace.id(), Map.of("name", name));
        return new WorkspaceView(workspace, Role.ADMIN);
    }

    /** The workspaces the caller belongs to (an agent: its own). */
    public List<WorkspaceView> list(Acting acting) {
        Caller caller = acting.caller();
        if (caller.isAgent()) {
            // A personal agent belongs to a person's account, which is no workspace.
            return acting.isWorkspace() ? List.of(new WorkspaceView(acting.account(), Role.AGENT)) : List.of();
        }
        return store.workspacesOf(caller.principalId()).stream()
                .map(m -> new WorkspaceView(accounts.require(m.workspaceId()), m.role()))
                .toList();
    }

    public WorkspaceView get(Acting inWorkspace) {
        return new WorkspaceView(inWorkspace.account(), inWorkspace.role());
    }

    public List<Membership> members(Acting inWorkspace) {
        requirePerson(inWorkspace);
        return store.members(inWorkspace.accountId());
    }

    public Membership addMember(Acting inWorkspace, String accountId, Role role) {
        requireAdmin(inWorkspace);
        Account person = accounts.require(accountId);
        if (person.type() != Account.Type.PERSONAL) {
            throw TollgateException.validation("/account_id", "members are people: pass a personal account id (acct_...)");
        }
        Optional<Membership> existing = store.membership(inWorkspace.accountId(), accountId);
        Membership membership = new Membership(inWorkspace.accountId(), accountId, role, clock.instant(),
                inWorkspace.caller().principalId());
        if (existing.isPresent() && existing.get().role() == role) {
            return existing.get();
        }
        if (!store.putMember(membership, existing.map(Membership::role))) {
            throw lastAdmin();
        }
        audit.record(inWorkspace.accountId(), inWorkspace.caller().principalId(),
                existing.isPresent() ? "member.role_changed" : "member.added", accountId, Map.of("role", role.wire()));
        return membership;
    }

    /** Admins remove anyone; a member may remove themself (leave). The last admin can do neither. */
    public void removeMember(Acting inWorkspace, String accountId) {
        requirePerson(inWorkspace);
        boolean leaving = accountId.equals(inWorkspace.caller().principalId());
        if (!leaving) {
            requireAdmin(inWorkspace);
        }
        Membership membership = (Ids.looksLike(accountId, "acct")
                ? store.membership(inWorkspace.accountId(), accountId) : Optional.<Membership>empty())
                .orElseThrow(() -> TollgateException.notFound("Member"));
        if (!store.removeMember(inWorkspace.accountId(), accountId, membership.role())) {
            if (store.membership(inWorkspace.accountId(), accountId).isEmpty()) {
                throw TollgateException.notFound("Member");
            }
            throw lastAdmin();
        }
        audit.record(inWorkspace.accountId(), inWorkspace.caller().principalId(), leaving ? "member.left" : "member.removed",
                accountId, Map.of());
    }

    public CreatedAgent createAgent(Acting inWorkspace, String name, Map<String, String> keyBindings) {
        requireAdmin(inWorkspace);
        Map<String, String> bindings = checkBindings(inWorkspace.accountId(), keyBindings);
        Instant now = clock.instant();
        Agent agent = new Agent(Ids.newId("agt", now), inWorkspace.accountId(), name, bindings, now,
                inWorkspace.caller().principalId());
        store.putAgent(agent);
        IssuedApiKey key = accounts.issue(inWorkspace.accountId(), Caller.PrincipalType.AGENT, agent.id(),
                "agent " + name, inWorkspace.caller().principalId());
        audit.record(inWorkspace.accountId(), inWorkspace.caller().principalId(), "agent.created", agent.id(),
                Map.of("name", name, "key_bindings", String.valueOf(bindings)));
        return new CreatedAgent(agent, key);
    }

    public List<Agent> agents(Acting inWorkspace) {
        requirePerson(inWorkspace);
        return store.agents(inWorkspace.accountId());
    }

    public Agent agent(Acting inWorkspace, String agentId) {
        if (inWorkspace.role() == Role.AGENT && !agentId.equals(inWorkspace.caller().principalId())) {
            throw TollgateException.notFound("Agent");
        }
        return findAgent(inWorkspace.accountId(), agentId);
    }

    public Agent updateBindings(Acting inWorkspace, String agentId, Map<String, String> keyBindings) {
        requireAdmin(inWorkspace);
        Agent agent = findAgent(inWorkspace.accountId(), agentId);
        Map<String, String> bindings = checkBindings(inWorkspace.accountId(), keyBindings);
        if (!store.updateBindings(inWorkspace.accountId(), agentId, bindings)) {
            throw TollgateException.notFound("Agent");
        }
        audit.record(inWorkspace.accountId(), inWorkspace.caller().principalId(), "agent.bindings_changed", agentId,
                Map.of("key_bindings", String.valueOf(bindings)));
        return new Agent(agent.id(), agent.workspaceId(), agent.name(), bindings, agent.createdAt(), agent.createdBy());
    }

    /** Deletes the agent and revokes its API keys, so it fails from its next request. */
    public void deleteAgent(Acting inWorkspace, String agentId) {
        requireAdmin(inWorkspace);
        findAgent(inWorkspace.accountId(), agentId);
        Instant now = clock.instant();
        apiKeys.listByAccount(inWorkspace.accountId()).stream()
                .filter(k -> k.principalType() == Caller.PrincipalType.AGENT && k.principalId().equals(agentId))
                .forEach(k -> apiKeys.revoke(k.keyId(), now));
        store.deleteAgent(inWorkspace.accountId(), agentId);
        audit.record(inWorkspace.accountId(), inWorkspace.caller().principalId(), "agent.deleted", agentId, Map.of());
    }

    /**
     * Deletes a key of the acting account. A key pinned by an agent (a workspace's, or a person's own agents) is
     * refused with {@code 409 key_in_use} naming the agents, unless {@code force}, which unbinds it from them first
     * (they fall back to the account's key for that provider, then credits).
     */
    public void deleteKey(Acting acting, String byokId, boolean force) {
        String actor = "api_key:" + acting.caller().keyId();
        List<Agent> pinned = agentsBoundTo(acting.accountId(), byokId);
        if (!pinned.isEmpty() && !force) {
            throw new TollgateException(ErrorCode.KEY_IN_USE,
                    "Agents are pinned to this key; rebind them, or delete with ?force=true to unbind them",
                    Map.of("agents", pinned.stream().map(Agent::id).toList(),
                            "agent_names", pinned.stream().map(Agent::name).toList()));
        }
        unbind(acting.accountId(), byokId, actor);
        keys.delete(acting.accountId(), byokId, actor);
    }

    /** The agents of a workspace whose bindings pin {@code byokId} (the vault refuses to delete a pinned key). */
    public List<Agent> agentsBoundTo(String workspaceId, String byokId) {
        return store.agents(workspaceId).stream().filter(a -> a.keyBindings().containsValue(byokId)).toList();
    }

    /** Removes {@code byokId} from every binding in the workspace (delete with force). */
    public void unbind(String workspaceId, String byokId, String actor) {
        for (Agent agent : agentsBoundTo(workspaceId, byokId)) {
            Map<String, String> remaining = new TreeMap<>(agent.keyBindings());
            remaining.values().removeIf(byokId::equals);
            store.updateBindings(workspaceId, agent.id(), remaining);
            audit.record(workspaceId, actor, "agent.unbound", agent.id(), Map.of("byok_id", byokId));
        }
    }

    private Map<String, String> checkBindings(String workspaceId, Map<String, String> keyBindings) {
        Map<String, String> bindings = new TreeMap<>();
        keyBindings.forEach((provider, byokId) -> {
            String pointer = "/key_bindings/" + provider;
            ProviderKey key = vault.find(workspaceId, byokId)
                    .orElseThrow(() -> TollgateException.validation(pointer, "no key " + byokId + " in this workspace"));
            if (!key.provider().equals(provider)) {
                throw TollgateException.validation(pointer,
                        "key " + byokId + " is a " + key.provider() + " key, not " + provider);
            }
            bindings.put(provider, byokId);
        });
        return bindings;
    }

    private Agent findAgent(String workspaceId, String agentId) {
        if (!Ids.looksLike(agentId, "agt")) {
            throw TollgateException.notFound("Agent");
        }
        return store.agent(workspaceId, agentId).orElseThrow(() -> TollgateException.notFound("Agent"));
    }

    private static void requirePerson(Acting acting) {
        if (acting.role() == Role.AGENT) {
            throw new TollgateException(ErrorCode.FORBIDDEN, "Agents cannot see or change members or other agents");
        }
    }

    private static void requireAdmin(Acting acting) {
        requirePerson(acting);
        if (!acting.role().canManage()) {
            throw new TollgateException(ErrorCode.FORBIDDEN, "Only workspace admins can do this");
        }
    }

    private static TollgateException lastAdmin() {
        return new TollgateException(ErrorCode.LAST_ADMIN,
                "A workspace needs at least one admin: add or promote another admin first");
    }
}
