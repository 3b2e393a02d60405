package dev.tollgate.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A catalog operation as offered to one account: its tool name ({@code {tool}_{operation}}), description, input
 * schema, price, and the billing mode that would apply right now ({@code byok}, {@code credits}, {@code free}, or
 * {@code unavailable} with the reason code, e.g. {@code byok_required}).
 */
public record ToolView(String name, String tool, String operation, String description, ObjectNode inputSchema,
                       Map<String, Object> price, String billingMode, String unavailableReason) {
}
