package dev.tollgate.workspace;

import dev.tollgate.domain.Account;
import dev.tollgate.domain.Role;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Port to workspace memberships and agents. Each write that touches the admin count is one atomic transaction. */
public interface WorkspaceStore {

    /** Creates the workspace account, its balance shards and its first admin, all or nothing. */
    void create(Account workspace, Membership creator, int balanceShards);

    Optional<Membership> membership(String workspaceId, String accountId);

    List<Membership> members(String workspaceId);

    /** Workspaces a person belongs to, with their role. */
    List<Membership> workspacesOf(String accountId);

    /** Adds or changes a member; refuses (returns false) to demote the last admin. */
    boolean putMember(Membership membership, Optional<Role> previousRole);

    /** Removes a member; refuses (returns false) to remove the last admin. */
    boolean removeMember(String workspaceId, String accountId, Role role);

    void putAgent(Agent agent);

    Optional<Agent> agent(String workspaceId, String agentId);

    List<Agent> agents(String workspaceId);

    /** Replaces an agent's key bindings; false when the agent no longer exists. */
    boolean updateBindings(String workspaceId, String agentId, Map<String, String> bindings);

    boolean deleteAgent(String workspaceId, String agentId);
}
