package dev.tollgate.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One callable operation of a provider: {@code POST /api/v1/execute {"tool": tool, "operation": id}}, or the MCP /
 * OpenAI tool {@link #toolName()}. The input is the provider's own request for the endpoint; path parameters named
 * in {@link #path()} and fields listed in {@link #queryParams()} are taken out of it, the rest is the body (or, with
 * {@link BodyEncoding#NONE}, the query string).
 *
 * @param tool         the provider id
 * @param id           the operation id, unique within the provider
 * @param description  what the operation does, written for a model choosing a tool
 * @param method       HTTP method, upper case
 * @param path         path template, appended to the provider's base URL
 * @param body         how the remaining input is sent
 * @param response     what comes back
 * @param timeout      connect + read timeout for the upstream call
 * @param queryParams  input fields sent as query parameters although the operation has a body
 * @param inputDefaults fields added to the input when the caller leaves them out (e.g. Ollama's {@code stream: false})
 * @param inputSchema  JSON Schema (draft 2020-12) of the input; an object schema
 * @param pricing      how a credits-mode call is priced
 * @param effects      whether the call acts beyond answering, and how its provider de-duplicates a repeat
 * @param upstreamTool for a tool of a federated MCP server, the upstream tool it forwards to (the HTTP fields are
 *                     then unused); empty for a catalog operation
 */
public record Operation(String tool, String id, String description, String method, PathTemplate path,
                        BodyEncoding body, ResponseFormat response, Duration timeout, List<String> queryParams,
                        ObjectNode inputDefaults, ObjectNode inputSchema, Pricing pricing, Effects effects,
                        Optional<UpstreamTool> upstreamTool) {

    public Operation {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(pricing, "pricing");
        Objects.requireNonNull(upstreamTool, "upstreamTool");
        Objects.requireNonNull(effects, "effects");
        queryParams = List.copyOf(queryParams);
        inputDefaults = inputDefaults.deepCopy();
        inputSchema = inputSchema.deepCopy();
    }

    /**
     * A tool discovered on a federated MCP server, offered as {@code {provider}_{id}}: priced and timed as the catalog
     * says for the whole server, with the upstream's description and input schema.
     */
    public static Operation federated(Provider provider, String id, String description, ObjectNode inputSchema,
                                      UpstreamTool upstreamTool) {
        FederatedServer server = provider.federation()
                .orElseThrow(() -> new IllegalArgumentException(provider.id() + " is not a federated MCP server"));
        return new Operation(provider.id(), id, description, "POST", PathTemplate.parse("/", java.util.Set.of()),
                BodyEncoding.JSON, ResponseFormat.JSON, server.timeout(), List.of(),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), inputSchema,
                server.pricing(), federatedEffects(upstreamTool), Optional.of(upstreamTool));
    }

    /**
     * A federated tool acts unless its server marks it read-only ({@code readOnlyHint}); no MCP server takes an
     * idempotency key, so a retry after an unknown outcome of an acting tool is refused rather than repeated.
     */
    private static Effects federatedEffects(UpstreamTool upstreamTool) {
        boolean readOnly = upstreamTool.annotations() != null
                && upstreamTool.annotations().path("readOnlyHint").asBoolean(false);
        return readOnly ? Effects.NONE : new Effects(true, Optional.empty());
    }

    /** {@code {tool}_{operation}}, e.g. {@code openai_chat_completion}; matches {@code ^[a-zA-Z0-9_-]{1,64}$}. */
    public String toolName() {
        return tool + "_" + id;
    }

    public boolean isFree() {
        return pricing.isFree();
    }

    /** A copy: the schema is shared by every request. */
    @Override
    public ObjectNode inputSchema() {
        return inputSchema.deepCopy();
    }

    /** A copy: the defaults are shared by every request. */
    @Override
    public ObjectNode inputDefaults() {
        return inputDefaults.deepCopy();
    }

    /** A copy of {@code input} with {@link #inputDefaults()} added where the caller sent nothing. */
    public ObjectNode withDefaults(ObjectNode input) {
        ObjectNode copy = input.deepCopy();
        inputDefaults.properties().forEach(e -> {
            if (!copy.hasNonNull(e.getKey())) {
                copy.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return copy;
    }
}
