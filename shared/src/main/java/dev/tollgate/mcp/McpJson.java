package dev.tollgate.mcp;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonLimits;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * (De)serialisation of MCP messages through the SDK's {@link McpJsonMapper}. The SDK's schema records name their
 * properties explicitly (camelCase, {@code _meta}), so this mapper has no naming strategy; like Tollgate's own
 * mapper it reads decimals exactly and writes them plainly, so tool arguments reach the provider unchanged, and it
 * parses within the same {@link JsonLimits}.
 */
public final class McpJson {
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonLimits.factory())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    public static final McpJsonMapper SDK = new JacksonMcpJsonMapper(MAPPER);
    public static final com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>> MAP_TYPE =
            new com.fasterxml.jackson.core.type.TypeReference<>() {
            };

    private McpJson() {
    }

    static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String write(Object value) {
        try {
            return SDK.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Binds {@code params} to an SDK record; a shape that does not fit is the client's error (-32602). */
    static <T> T params(JsonNode params, Class<T> type, String method) {
        try {
            return SDK.convertValue(params == null || params.isNull() ? object() : params, type);
        } catch (IllegalArgumentException e) {
            throw JsonRpcException.invalidParams("Invalid params for " + method);
        }
    }

    static JsonNode success(Object id, Object result) {
        return tree(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, id, result, null));
    }

    /** A JSON-RPC error; {@code "id": null} is written out when the request's id is unknown, as JSON-RPC requires. */
    static JsonNode error(Object id, int code, String message, Object data) {
        ObjectNode node = (ObjectNode) tree(new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, id, null,
                new McpSchema.JSONRPCResponse.JSONRPCError(code, message, data)));
        if (!node.has("id")) {
            ObjectNode ordered = object();
            ordered.put("jsonrpc", McpSchema.JSONRPC_VERSION);
            ordered.putNull("id");
            ordered.set("error", node.get("error"));
            return ordered;
        }
        return node;
    }
}
