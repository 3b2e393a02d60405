package dev.tollgate.federation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.UpstreamTool;
import dev.tollgate.execution.InputValidator;
import dev.tollgate.log.Log;
import dev.tollgate.mcp.McpJson;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the tools a federated MCP server lists into Tollgate operations named {@code {provider}_{tool}}, keeping only
 * what every door can offer safely: names that fit {@code ^[a-zA-Z0-9_-]{1,64}$} (other characters become {@code _}),
 * tools the catalog's allow-list admits, and input schemas that are objects, compile, stay under
 * {@value #MAX_SCHEMA_BYTES} bytes and reference nothing outside themselves (a remote {@code $ref} or an unknown
 * {@code $schema} would make the validator fetch a URL the server chose). A tool that fails a rule is left out and
 * logged; the rest of the server's tools stay.
 */
final class DiscoveredTools {
    static final int MAX_TOOLS = 200;
    static final int MAX_SCHEMA_BYTES = 64 * 1024;
    static final int MAX_DESCRIPTION = 1_024;
    private static final int MAX_TOOL_NAME = 64;
    private static final Pattern NOT_NAME_CHARS = Pattern.compile("[^A-Za-z0-9_-]");
    private static final Set<String> REFERENCES = Set.of("$ref", "$dynamicRef", "$recursiveRef");
    private static final Set<String> DIALECTS = Set.of("https://json-schema.org/draft/2020-12/schema",
            "https://json-schema.org/draft/2019-09/schema", "http://json-schema.org/draft-07/schema#",
            "http://json-schema.org/draft-07/schema", "http://json-schema.org/draft-06/schema#",
            "http://json-schema.org/draft-04/schema#");
    private static final Log LOG = Log.get(DiscoveredTools.class);

    private DiscoveredTools() {
    }

    static List<Operation> operations(Provider provider, List<McpSchema.Tool> tools) {
        List<Operation> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (McpSchema.Tool tool : tools) {
            if (tool == null || tool.name() == null || tool.name().isBlank()
                    || !provider.federation().orElseThrow().offers(tool.name())) {
                continue;
            }
            String id = NOT_NAME_CHARS.matcher(tool.name()).replaceAll("_");
            String problem = problem(provider, id, ids, tool);
            ObjectNode schema = problem == null ? inputSchema(tool) : null;
            if (problem == null) {
                problem = schemaProblem(schema);
            }
            if (problem != null) {
                LOG.warn("federated tool left out", "provider", provider.id(), "tool", shorten(tool.name()),
                        "reason", problem);
                continue;
            }
            ids.add(id);
            out.add(Operation.federated(provider, id, description(tool), schema, new UpstreamTool(tool.name(),
                    tool.title(), tool.annotations() == null ? null : (ObjectNode) McpJson.MAPPER.valueToTree(tool.annotations()))));
            if (out.size() == MAX_TOOLS) {
                LOG.warn("federated server lists more tools than offered", "provider", provider.id(), "offered", MAX_TOOLS);
                break;
            }
        }
        return List.copyOf(out);
    }

    private static String problem(Provider provider, String id, Set<String> ids, McpSchema.Tool tool) {
        if (provider.id().length() + 1 + id.length() > MAX_TOOL_NAME) {
            return "name longer than " + MAX_TOOL_NAME + " characters with the provider prefix";
        }
        if (ids.contains(id)) {
            return "name clashes with another tool of the server";
        }
        return null;
    }

    /**
     * The schema as the SDK read it. Its {@code McpSchema.JsonSchema} keeps type, properties, required,
     * additionalProperties and the definitions; the properties themselves are kept whole.
     */
    private static ObjectNode inputSchema(McpSchema.Tool tool) {
        if (tool.inputSchema() == null) {
            return McpJson.MAPPER.createObjectNode().put("type", "object");
        }
        ObjectNode schema = McpJson.MAPPER.valueToTree(tool.inputSchema());
        schema.properties().removeIf(e -> e.getValue().isNull());
        return schema;
    }

    static String schemaProblem(ObjectNode schema) {
        if (!"object".equals(schema.path("type").textValue())) {
            return "input schema is not of type object";
        }
        try {
            if (McpJson.MAPPER.writeValueAsString(schema).getBytes(StandardCharsets.UTF_8).length > MAX_SCHEMA_BYTES) {
                return "input schema larger than " + MAX_SCHEMA_BYTES + " bytes";
            }
        } catch (JsonProcessingException e) {
            return "input schema cannot be written";
        }
        if (!selfContained(schema)) {
            return "input schema refers outside itself ($ref, $id or $schema)";
        }
        return InputValidator.compiles(schema) ? null : "input schema does not compile";
    }

    /** No reference, identifier or dialect that would make the validator load anything from a URL. */
    private static boolean selfContained(JsonNode node) {
        if (node.isArray()) {
            for (JsonNode item : node) {
                if (!selfContained(item)) {
                    return false;
                }
            }
            return true;
        }
        if (!node.isObject()) {
            return true;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            if (REFERENCES.contains(e.getKey()) && value.isTextual() && !value.textValue().startsWith("#")) {
                return false;
            }
            if (e.getKey().equals("$id") && value.isTextual()) {
                return false;
            }
            if (e.getKey().equals("$schema") && value.isTextual() && !DIALECTS.contains(value.textValue())) {
                return false;
            }
            if (!selfContained(value)) {
                return false;
            }
        }
        return true;
    }

    private static String description(McpSchema.Tool tool) {
        String text = tool.description() != null && !tool.description().isBlank() ? tool.description()
                : tool.title() != null && !tool.title().isBlank() ? tool.title() : tool.name();
        return text.length() <= MAX_DESCRIPTION ? text : text.substring(0, MAX_DESCRIPTION - 1) + "…";
    }

    private static String shorten(String name) {
        return name.length() <= 80 ? name : name.substring(0, 80) + "…";
    }
}
