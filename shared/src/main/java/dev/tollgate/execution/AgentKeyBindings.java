package dev.tollgate.execution;

import dev.tollgate.app.Acting;
import dev.tollgate.vault.ProviderKey;
import java.util.Optional;

/**
 * Step 2 of key resolution (SPEC 7.1, 9.2): the workspace key an agent is pinned to for a provider. Agents arrive
 * with the workspaces work (issue 7); until then no caller is pinned and {@link #NONE} is wired.
 */
@FunctionalInterface
public interface AgentKeyBindings {
    AgentKeyBindings NONE = (acting, provider) -> Optional.empty();

    Optional<ProviderKey> pinnedKey(Acting acting, String provider);
}
