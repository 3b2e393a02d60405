package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.execution.UpstreamRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * One provider API seen through OpenAI Chat Completions: the request translated to the provider's own operation input
 * (so the engine validates, prices and caps it as for {@code /api/v1/execute}), and the provider's answer — whole or
 * streamed — translated back.
 */
interface ChatDialect {

    /** The catalog operation's input for this request (before the engine applies the credits output cap). */
    ObjectNode nativeInput(ChatRequest request);

    /** The provider's answer as an OpenAI {@code chat.completion} object named {@code ids}. */
    ObjectNode completion(JsonNode answer, ChatRequest request, Completions.Ids ids);

    /**
     * The validated and capped input with the provider's streaming switch ({@code "stream": true} unless the provider
     * streams from another endpoint), usage in the stream requested too.
     */
    default ObjectNode streamingInput(ObjectNode input) {
        return input.deepCopy().put("stream", true);
    }

    /** The catalog request, changed where the provider streams from another endpoint. */
    default UpstreamRequest streamingRequest(UpstreamRequest request) {
        return request;
    }

    /**
     * Translates the provider's stream into chunks as events arrive and returns the answer its non-streamed endpoint
     * would have given, usage included.
     */
    JsonNode relay(InputStream stream, ChunkSink sink) throws IOException;

    static ChatDialect of(ChatModels.Dialect dialect) {
        return switch (dialect) {
            case OPENAI -> new OpenAiDialect();
            case ANTHROPIC -> new AnthropicDialect();
            case GEMINI -> new GeminiDialect();
            case OLLAMA -> new OllamaDialect();
        };
    }
}
