package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.domain.TollgateException;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An OpenAI Chat Completions request body, checked once for what every dialect relies on, so that a malformed request
 * is a typed {@code validation_failed} (OpenAI's {@code invalid_request_error}) before anything is resolved or held.
 * Fields a dialect does not translate are ignored by it; OpenAI-shaped providers receive them unchanged.
 *
 * @param body         the request as sent (the idempotency fingerprint is taken over it)
 * @param target       the provider and native model the {@code model} field names
 * @param stream       {@code stream: true}
 * @param includeUsage {@code stream_options.include_usage: true}
 * @param choices      {@code n}, 1 when absent
 * @param maxTokens    {@code max_completion_tokens}, else {@code max_tokens}, if either is set
 */
public record ChatRequest(ObjectNode body, ChatModels.Target target, boolean stream, boolean includeUsage, int choices,
                          OptionalLong maxTokens) {
    /** Large enough for any model's output limit, small enough that no provider field overflows. */
    public static final long MAX_TOKENS_LIMIT = Integer.MAX_VALUE;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    public static ChatRequest parse(JsonNode json, ChatModels models) {
        if (!(json instanceof ObjectNode body)) {
            throw TollgateException.validation("", "The request body must be a JSON object");
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isTextual() || model.textValue().isBlank()) {
            throw TollgateException.validation("/model", "'model' is required: a model id from GET /v1/models");
        }
        ChatModels.Target target = models.resolve(model.textValue());
        messages(body);
        boolean stream = bool(body, "stream");
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw TollgateException.validation("/stream_options", "'stream_options' must be an object");
            }
            if (!stream) {
                throw TollgateException.validation("/stream_options", "'stream_options' is only allowed with 'stream: true'");
            }
            includeUsage = bool((ObjectNode) options, "include_usage");
        }
        int choices = (int) positive(body, "n", 128).orElse(1);
        OptionalLong maxTokens = positive(body, "max_completion_tokens", MAX_TOKENS_LIMIT);
        if (maxTokens.isEmpty()) {
            maxTokens = positive(body, "max_tokens", MAX_TOKENS_LIMIT);
        }
        tools(body);
        return new ChatRequest(body, target, stream, includeUsage, choices, maxTokens);
    }

    /** The messages array (checked to be non-empty objects with a known role). */
    public ArrayNode messages() {
        return (ArrayNode) body.get("messages");
    }

    /** The {@code tools} array, or null. */
    public ArrayNode tools() {
        JsonNode tools = body.get("tools");
        return tools instanceof ArrayNode array && !array.isEmpty() ? array : null;
    }

    public JsonNode field(String name) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** The model as the caller named it, echoed in responses. */
    public String model() {
        return body.get("model").textValue();
    }

    /** Fails for {@code n > 1} on providers that answer with one choice. */
    public void requireSingleChoice(String providerName) {
        if (choices > 1) {
            throw TollgateException.validation("/n", providerName + " models return one choice per request: 'n' must be 1");
        }
    }

    private static void messages(ObjectNode body) {
        JsonNode messages = body.get("messages");
        if (!(messages instanceof ArrayNode array) || array.isEmpty()) {
            throw TollgateException.validation("/messages", "'messages' must be a non-empty array");
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode message = array.get(i);
            String pointer = "/messages/" + i;
            if (!message.isObject()) {
                throw TollgateException.validation(pointer, "each message must be an object");
            }
            JsonNode role = message.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.textValue())) {
                throw TollgateException.validation(pointer + "/role",
                        "'role' must be one of system, developer, user, assistant, tool");
            }
            JsonNode content = message.get("content");
            if (content != null && !(content.isTextual() || content.isArray() || content.isNull())) {
                throw TollgateException.validation(pointer + "/content", "'content' must be a string or an array of parts");
            }
            JsonNode calls = message.get("tool_calls");
            if (calls != null && !calls.isNull()) {
                if (!calls.isArray()) {
                    throw TollgateException.validation(pointer + "/tool_calls", "'tool_calls' must be an array");
                }
                for (int c = 0; c < calls.size(); c++) {
                    JsonNode function = calls.get(c).path("function");
                    if (!function.path("name").isTextual()) {
                        throw TollgateException.validation(pointer + "/tool_calls/" + c + "/function/name",
                                "each tool call needs a function name");
                    }
                }
            }
        }
    }

    private static void tools(ObjectNode body) {
        JsonNode tools = body.get("tools");
        if (tools == null || tools.isNull()) {
            return;
        }
        if (!tools.isArray()) {
            throw TollgateException.validation("/tools", "'tools' must be an array");
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonNode function = tools.get(i).path("function");
            if (!function.path("name").isTextual() || function.path("name").textValue().isBlank()) {
                throw TollgateException.validation("/tools/" + i + "/function/name",
                        "each tool needs {\"type\": \"function\", \"function\": {\"name\": …}}");
            }
            JsonNode parameters = function.get("parameters");
            if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
                throw TollgateException.validation("/tools/" + i + "/function/parameters", "'parameters' must be a JSON Schema object");
            }
        }
    }

    private static boolean bool(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw TollgateException.validation("/" + field, "'" + field + "' must be true or false");
        }
        return value.booleanValue();
    }

    private static OptionalLong positive(ObjectNode body, String field, long max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 1 || value.longValue() > max) {
            throw TollgateException.validation("/" + field, "'" + field + "' must be an integer from 1 to " + max);
        }
        return OptionalLong.of(value.longValue());
    }
}
