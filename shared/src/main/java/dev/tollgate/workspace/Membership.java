package dev.tollgate.workspace;

import dev.tollgate.domain.Role;
import java.time.Instant;

/** A person's membership of a workspace. */
public record Membership(String workspaceId, String accountId, Role role, Instant addedAt, String addedBy) {
}
