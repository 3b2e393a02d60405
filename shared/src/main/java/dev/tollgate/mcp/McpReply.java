package dev.tollgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one POST to {@code /mcp} answers: {@code 200} with a JSON-RPC response (or an array of them for a batch),
 * {@code 202} with no body when the POST carried only notifications or responses, or {@code 400} with a JSON-RPC
 * error that belongs to no request (unparseable body, a message that is not a request, a batch where the protocol
 * version has none).
 */
public record McpReply(int status, JsonNode body) {
    static McpReply accepted() {
        return new McpReply(202, null);
    }
}
