package dev.tollgate.execution;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.paging.Page;
import java.util.Locale;

/**
 * {@code GET /api/v1/tools} in its three shapes (SPEC 7.5): Tollgate's own listing (default), MCP {@code Tool}
 * objects ({@code ?format=mcp}, as in a {@code tools/list} result) and OpenAI function-calling tools
 * ({@code ?format=openai}). Every shape carries the price and the billing mode that applies now; catalog tool names
 * already match {@code ^[a-zA-Z0-9_-]{1,64}$}.
 */
public final class ToolFormats {
    private ToolFormats() {
    }

    public static ObjectNode render(Page<ToolView> page, String format) {
        String f = format == null ? "tollgate" : format.toLowerCase(Locale.ROOT);
        ObjectNode out = Json.object();
        ArrayNode tools = out.putArray("tools");
        for (ToolView t : page.items()) {
            switch (f) {
                case "tollgate" -> tools.add(tollgate(t));
                case "mcp" -> tools.add(mcp(t));
                case "openai" -> tools.add(openai(t));
                default -> throw TollgateException.validation("/format", "format must be mcp or openai (or absent)");
            }
        }
        out.put("next_cursor", page.nextCursor());
        return out;
    }

    static ObjectNode tollgate(ToolView t) {
        ObjectNode o = Json.object();
        o.put("name", t.name());
        o.put("tool", t.tool());
        o.put("operation", t.operation());
        o.put("description", t.description());
        o.set("input_schema", t.inputSchema());
        o.set("price", Json.MAPPER.valueToTree(t.price()));
        o.put("billing_mode", t.billingMode());
        o.put("unavailable_reason", t.unavailableReason());
        return o;
    }

    static ObjectNode mcp(ToolView t) {
        ObjectNode o = Json.object();
        o.put("name", t.name());
        o.put("description", t.description());
        o.set("inputSchema", t.inputSchema());
        ObjectNode meta = o.putObject("_meta");
        meta.put("tollgate/billing_mode", t.billingMode());
        meta.put("tollgate/unavailable_reason", t.unavailableReason());
        meta.set("tollgate/price", Json.MAPPER.valueToTree(t.price()));
        return o;
    }

    static ObjectNode openai(ToolView t) {
        ObjectNode o = Json.object();
        o.put("type", "function");
        ObjectNode fn = o.putObject("function");
        fn.put("name", t.name());
        fn.put("description", t.description() + " [billing: " + t.billingMode()
                + (t.unavailableReason() == null ? "" : ", " + t.unavailableReason()) + "]");
        fn.set("parameters", t.inputSchema());
        return o;
    }
}
