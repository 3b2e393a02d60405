package dev.tollgate.execution;

import dev.tollgate.auth.Acting;
import dev.tollgate.vault.KeyVault;
import dev.tollgate.vault.ProviderKey;
import dev.tollgate.workspace.WorkspaceStore;
import java.util.Optional;

/**
 * Step 2 of key resolution (SPEC 7.1, 9.2): the workspace key an agent is pinned to for a provider. A person is
 * never pinned; an agent is pinned for the providers its {@code key_bindings} name.
 */
@FunctionalInterface
public interface AgentKeyBindings {
    AgentKeyBindings NONE = (acting, provider) -> Optional.empty();

    Optional<ProviderKey> pinnedKey(Acting acting, String provider);

    /** Bindings read from the agent's record; a binding to a key that no longer exists pins nothing. */
    static AgentKeyBindings fromWorkspaces(WorkspaceStore workspaces, KeyVault vault) {
        return (acting, provider) -> {
            if (acting.caller() == null || !acting.caller().isAgent()) {
                return Optional.empty();
            }
            return workspaces.agent(acting.accountId(), acting.caller().principalId())
                    .map(agent -> agent.keyBindings().get(provider))
                    .flatMap(byokId -> vault.find(acting.accountId(), byokId));
        };
    }
}
