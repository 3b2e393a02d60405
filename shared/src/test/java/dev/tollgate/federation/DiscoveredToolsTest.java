package dev.tollgate.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.mcp.McpJson;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which upstream tools become operations, under which names, and which are left out. */
class DiscoveredToolsTest {
    private static final ProviderCatalog CATALOG = ProviderCatalog.fromJson("""
            {"providers": [
              {"id": "acme", "name": "Acme", "kind": "mcp", "url": "http://127.0.0.1:1/mcp", "auth": "none",
               "byok": false, "platform_key": false, "pricing": {"type": "free"}},
              {"id": "picky", "name": "Picky", "kind": "mcp", "url": "http://127.0.0.1:1/mcp", "auth": "none",
               "byok": false, "platform_key": false, "pricing": {"type": "free"}, "tools": ["keep"]}
            ]}""", Config.of(Map.of()));
    private static final String TEXT = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}";

    private static McpSchema.Tool tool(String name, String schema) {
        return McpSchema.Tool.builder().name(name).description("Does " + name + ".")
                .inputSchema(McpJson.SDK, schema).build();
    }

    private static List<String> names(String provider, McpSchema.Tool... tools) {
        Provider p = CATALOG.provider(provider).orElseThrow();
        return DiscoveredTools.operations(p, List.of(tools)).stream().map(Operation::toolName).toList();
    }

    @Test
    void upstreamNamesBecomeToolNamesOfTheProvider() {
        assertEquals(List.of("acme_echo", "acme_text_reverse", "acme_files_read-v2"),
                names("acme", tool("echo", TEXT), tool("text.reverse", TEXT), tool("files/read-v2", TEXT)));
        Operation op = DiscoveredTools.operations(CATALOG.provider("acme").orElseThrow(),
                List.of(tool("text.reverse", TEXT))).get(0);
        assertEquals("text.reverse", op.upstreamTool().orElseThrow().name(), "calls go to the upstream name");
        assertEquals("Does text.reverse.", op.description());
        assertEquals("string", op.inputSchema().path("properties").path("text").path("type").asText());
    }

    @Test
    void clashesOverlongNamesAndToolsOutsideTheAllowListAreLeftOut() {
        assertEquals(List.of("acme_a_b"), names("acme", tool("a.b", TEXT), tool("a/b", TEXT)));
        assertEquals(List.of(), names("acme", tool("x".repeat(60), TEXT)));
        assertEquals(List.of("picky_keep"), names("picky", tool("keep", TEXT), tool("drop", TEXT)));
    }

    @Test
    void schemasThatReachOutsideThemselvesOrDoNotCompileAreRefused() {
        assertNull(DiscoveredTools.schemaProblem(object(TEXT)));
        assertNull(DiscoveredTools.schemaProblem(object("{\"type\":\"object\",\"properties\":{\"a\":{\"$ref\":\"#/$defs/a\"}},"
                + "\"$defs\":{\"a\":{\"type\":\"string\"}}}")));
        assertTrue(DiscoveredTools.schemaProblem(object("{\"type\":\"object\",\"properties\":{\"a\":"
                + "{\"$ref\":\"http://169.254.169.254/latest/meta-data\"}}}")).contains("refers outside"));
        assertTrue(DiscoveredTools.schemaProblem(object("{\"type\":\"object\",\"properties\":{\"a\":"
                + "{\"$id\":\"https://evil.example/a\",\"type\":\"string\"}}}")).contains("refers outside"));
        assertTrue(DiscoveredTools.schemaProblem(object("{\"type\":\"object\",\"properties\":{\"a\":"
                + "{\"$schema\":\"https://evil.example/meta\"}}}")).contains("refers outside"));
        assertTrue(DiscoveredTools.schemaProblem(object("{\"type\":\"array\"}")).contains("not of type object"));
        assertTrue(DiscoveredTools.schemaProblem(object("{\"type\":\"object\",\"properties\":{\"a\":{\"pattern\":\"([\"}}}"))
                .contains("does not compile"));
        assertTrue(DiscoveredTools.schemaProblem(object("{\"type\":\"object\",\"description\":\""
                + "x".repeat(DiscoveredTools.MAX_SCHEMA_BYTES) + "\"}")).contains("larger than"));
    }

    @Test
    void aToolWithoutSchemaTakesAnyObjectAndOneWithABadSchemaIsLeftOut() {
        Provider acme = CATALOG.provider("acme").orElseThrow();
        McpSchema.Tool bare = McpSchema.Tool.builder().name("bare").build();
        List<Operation> ops = DiscoveredTools.operations(acme, List.of(bare, tool("bad", "{\"type\":\"string\"}")));
        assertEquals(List.of("acme_bare"), ops.stream().map(Operation::toolName).toList());
        assertEquals("object", ops.get(0).inputSchema().path("type").asText());
        assertEquals("bare", ops.get(0).description(), "the name stands in for a missing description");
    }

    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) McpJson.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
