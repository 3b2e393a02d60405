package dev.tollgate.workspace;

import java.time.Instant;
import java.util.Map;

/**
 * An agent of one workspace. {@code keyBindings} pins, per provider, which workspace BYOK key its calls use.
 */
public record Agent(String id, String workspaceId, String name, Map<String, String> keyBindings, Instant createdAt,
                    String createdBy) {
}
