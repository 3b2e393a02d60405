package dev.tollgate.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * The MCP tool behind a federated operation: its name on the upstream server (which may contain characters a
 * Tollgate tool name cannot), and the title and behaviour hints the server declared for it.
 *
 * @param name        the upstream tool name, sent in {@code tools/call}
 * @param title       the upstream title, or null
 * @param annotations the upstream {@code ToolAnnotations} as JSON (readOnlyHint, destructiveHint, ...), or null
 */
public record UpstreamTool(String name, String title, ObjectNode annotations) {

    public UpstreamTool {
        Objects.requireNonNull(name, "name");
        annotations = annotations == null ? null : annotations.deepCopy();
    }

    @Override
    public ObjectNode annotations() {
        return annotations == null ? null : annotations.deepCopy();
    }
}
