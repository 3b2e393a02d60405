package dev.tollgate.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.UpstreamRequest;
import dev.tollgate.json.Json;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each provider API translated to and from OpenAI Chat Completions, whole and streamed, without any I/O. */
class ChatDialectsTest {
    private static final ChatModels MODELS = new ChatModels(ProviderCatalog.load(Config.of(Map.of())));
    private static final Completions.Ids IDS = new Completions.Ids("chatcmpl-1", 1700000000, "x/model");
    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"weather\","
            + "\"description\":\"Weather in a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":"
            + "{\"type\":\"string\"}},\"required\":[\"city\"]}}}]";
    private static final String CONVERSATION = "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
            + "{\"role\":\"developer\",\"content\":\"Use tools.\"},{\"role\":\"user\",\"content\":\"Weather in Paris?\"},"
            + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
            + "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
            + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"{\\\"celsius\\\":21}\"}]";

    private static ChatRequest request(String json) {
        try {
            return ChatRequest.parse(Json.read(json), MODELS);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(String text) throws Exception {
        return Json.read(text);
    }

    /** Chunks a dialect emits, as the SSE stream would carry them. */
    private static final class Recorded implements ChunkSink {
        final List<String> deltas = new ArrayList<>();
        final List<String> finishes = new ArrayList<>();
        final List<ObjectNode> forwarded = new ArrayList<>();

        @Override
        public void choice(int index, ObjectNode delta, String finishReason) {
            deltas.add(delta.toString());
            if (finishReason != null) {
                finishes.add(finishReason);
            }
        }

        @Override
        public void forward(ObjectNode chunk) {
            forwarded.add(chunk);
        }

        String text() {
            StringBuilder out = new StringBuilder();
            deltas.forEach(d -> out.append(Json.MAPPER.valueToTree(parse(d)).path("content").asText("")));
            return out.toString();
        }

        private static JsonNode parse(String d) {
            try {
                return Json.read(d);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---- model ids ----------------------------------------------------------------------------------------------

    @Test
    void modelIdsNameTheProviderOrAPricedBareModel() {
        assertEquals("openai", MODELS.resolve("openai/gpt-4o").chat().provider());
        assertEquals("anthropic/claude-sonnet-4", MODELS.resolve("openrouter/anthropic/claude-sonnet-4").model());
        assertEquals("anthropic", MODELS.resolve("claude-sonnet-4").chat().provider());
        assertEquals("llama3.2", MODELS.resolve("ollama/llama3.2").model());
        TollgateException e = assertThrows(TollgateException.class, () -> MODELS.resolve("mistral/large"));
        assertEquals(ErrorCode.MODEL_NOT_FOUND, e.code());
        assertEquals(ErrorCode.MODEL_NOT_FOUND, assertThrows(TollgateException.class,
                () -> MODELS.resolve("gpt-unknown")).code());
        assertEquals(ErrorCode.MODEL_NOT_FOUND, assertThrows(TollgateException.class,
                () -> MODELS.resolve("openai/")).code());        assertEquals("anthropic", MODELS.providerOf("claude-sonnet-4"));
        assertEquals(null, MODELS.providerOf("mistral/large"), "a hint, never an error");
    }

    // ---- hostile requests ---------------------------------------------------------------------------------------

    @Test
    void malformedRequestsAreValidationFailuresNamingTheField() {
        Map<String, String> cases = Map.ofEntries(
                Map.entry("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "/model"),
                Map.entry("{\"model\":\"openai/gpt-4o\"}", "/messages"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[]}", "/messages"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[\"hi\"]}", "/messages/0"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"robot\"}]}", "/messages/0/role"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":5}]}", "/messages/0/content"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"stream\":\"yes\"}", "/stream"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"stream\":true,\"stream_options\":[1]}", "/stream_options"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"stream_options\":{\"include_usage\":true}}", "/stream_options"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"stream\":true,\"stream_options\":{\"include_usage\":\"x\"}}", "/include_usage"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"n\":0}", "/n"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"n\":1000}", "/n"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"max_tokens\":100000000000000000000}", "/max_tokens"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"max_tokens\":-1}", "/max_tokens"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"max_completion_tokens\":1.5}", "/max_completion_tokens"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"tools\":{}}", "/tools"),
                Map.entry("{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\"}],\"tools\":[{\"type\":\"function\"}]}", "/tools/0/function/name"));
        cases.forEach((body, pointer) -> {
            TollgateException e = assertThrows(TollgateException.class, () -> request(body), body);
            assertEquals(ErrorCode.VALIDATION_FAILED, e.code(), body);
            assertTrue(String.valueOf(e.details().get("pointer")).endsWith(pointer), body + " -> " + e.details());
        });
    }

    @Test
    void severalChoicesAreRefusedWhereTheProviderHasOne() {
        ChatRequest anthropic = request("{\"model\":\"anthropic/claude-sonnet-4\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals("/n", assertThrows(TollgateException.class, () -> new AnthropicDialect().nativeInput(anthropic))
                .details().get("pointer"));
        ChatRequest ollama = request("{\"model\":\"ollama/llama3.2\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThrows(TollgateException.class, () -> new OllamaDialect().nativeInput(ollama));
        ChatRequest gemini = request("{\"model\":\"gemini/gemini-2.5-flash\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(3, new GeminiDialect().nativeInput(gemini).at("/generationConfig/candidateCount").asInt());
        ChatRequest openai = request("{\"model\":\"openai/gpt-4o\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(3, new OpenAiDialect().nativeInput(openai).path("n").asInt());
    }

    @Test
    void toolCallArgumentsThatAreNotAJsonObjectAreRefused() {
        ChatRequest bad = request("{\"model\":\"anthropic/claude-sonnet-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"[1,\"}}]}]}");
        TollgateException e = assertThrows(TollgateException.class, () -> new AnthropicDialect().nativeInput(bad));
        assertEquals("/messages/1/tool_calls/0/function/arguments", e.details().get("pointer"));
    }

    // ---- OpenAI and OpenRouter ---------------------------------------------------------------------------------

    @Test
    void openAiRequestsPassThroughWithoutTheirPrefixOrStreamSettings() throws Exception {
        ChatRequest chat = request("{\"model\":\"openrouter/anthropic/claude-sonnet-4\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":false},\"temperature\":0.2,\"seed\":7," + TOOLS + "," + CONVERSATION + "}");
        ObjectNode input = new OpenAiDialect().nativeInput(chat);
        assertEquals("anthropic/claude-sonnet-4", input.path("model").asText());
        assertFalse(input.has("stream") || input.has("stream_options"));
        assertEquals(7, input.path("seed").asInt());
        ObjectNode streaming = new OpenAiDialect().streamingInput(input);
        assertTrue(streaming.path("stream").asBoolean());
        assertTrue(streaming.at("/stream_options/include_usage").asBoolean(), "usage is always asked for upstream");
        JsonNode completion = new OpenAiDialect().completion(json("{\"id\":\"chatcmpl-up\",\"object\":\"chat.completion\","
                + "\"model\":\"gpt-4o-2024-08-06\",\"choices\":[]}"), chat, IDS);
        assertEquals("x/model", completion.path("model").asText());
        assertEquals("chatcmpl-up", completion.path("id").asText());
        JsonNode bare = new OpenAiDialect().completion(json("{\"choices\":[]}"), chat, IDS);
        assertEquals(1700000000, bare.path("created").asLong(), "an OpenAI-compatible server may leave it out");
        assertEquals("chat.completion", bare.path("object").asText());
    }

    @Test
    void anOpenAiStreamIsForwardedAndItsUsageChunkPricesTheCall() throws Exception {
        String sse = ": keep-alive\n\n"
                + "data: {\"id\":\"c1\",\"created\":5,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n"
                + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n"
                + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"ci\"}}]}}]}\n\n"
                + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\":\\\"Oslo\\\"}\"}}]}}]}\n\n"
                + "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}}\n\n"
                + "data: [DONE]\n\n";
        Recorded sink = new Recorded();
        JsonNode assembled = new OpenAiDialect().relay(stream(sse), sink);
        assertEquals(6, sink.forwarded.size(), "every chunk but the usage chunk is forwarded");
        assertEquals(11, assembled.at("/usage/prompt_tokens").asInt());
        assertEquals("Hello", assembled.at("/choices/0/message/content").asText());
        assertEquals("{\"city\":\"Oslo\"}", assembled.at("/choices/0/message/tool_calls/0/function/arguments").asText());
        assertEquals("tool_calls", assembled.at("/choices/0/finish_reason").asText());
    }

    @Test
    void anErrorInTheStreamStopsTheCall() {
        String sse = "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                + "data: {\"error\":{\"message\":\"overloaded\"}}\n\n";
        TollgateException e = assertThrows(TollgateException.class, () -> new OpenAiDialect().relay(stream(sse), new Recorded()));
        assertEquals(ErrorCode.UPSTREAM_ERROR, e.code());
        assertThrows(TollgateException.class, () -> new OpenAiDialect().relay(stream("data: not json\n\n"), new Recorded()));
    }

    // ---- Anthropic ---------------------------------------------------------------------------------------------

    @Test
    void anthropicGetsSystemToolUseAndToolResultBlocks() {
        ChatRequest chat = request("{\"model\":\"anthropic/claude-sonnet-4\",\"stop\":\"END\",\"tool_choice\":\"required\","
                + "\"user\":\"u-1\"," + TOOLS + "," + CONVERSATION + "}");
        ObjectNode input = new AnthropicDialect().nativeInput(chat);
        assertEquals("claude-sonnet-4", input.path("model").asText());
        assertEquals(4096, input.path("max_tokens").asInt(), "max_tokens is required by Anthropic");
        assertEquals("Be brief.\n\nUse tools.", input.path("system").asText());
        assertEquals(3, input.path("messages").size());
        JsonNode use = input.at("/messages/1/content/0");
        assertEquals("tool_use", use.path("type").asText());
        assertEquals("Paris", use.at("/input/city").asText());
        JsonNode result = input.at("/messages/2/content/0");
        assertEquals("tool_result", result.path("type").asText());
        assertEquals("call_1", result.path("tool_use_id").asText());
        assertEquals("object", input.at("/tools/0/input_schema/type").asText());
        assertEquals("any", input.at("/tool_choice/type").asText());
        assertEquals("END", input.at("/stop_sequences/0").asText());
        assertEquals("u-1", input.at("/metadata/user_id").asText());
        assertTrue(new AnthropicDialect().streamingInput(input).path("stream").asBoolean());
    }

    @Test
    void anthropicMessagesBecomeCompletionsWithToolCallsAndCachedTokensCounted() throws Exception {
        JsonNode message = json("{\"id\":\"msg_1\",\"content\":[{\"type\":\"text\",\"text\":\"Checking.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"weather\",\"input\":{\"city\":\"Paris\"}}],"
                + "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":5,\"output_tokens\":8}}");
        JsonNode completion = new AnthropicDialect().completion(message, null, IDS);
        assertEquals("Checking.", completion.at("/choices/0/message/content").asText());
        assertEquals("toolu_1", completion.at("/choices/0/message/tool_calls/0/id").asText());
        assertEquals("{\"city\":\"Paris\"}", completion.at("/choices/0/message/tool_calls/0/function/arguments").asText());
        assertEquals("tool_calls", completion.at("/choices/0/finish_reason").asText());
        assertEquals(15, completion.at("/usage/prompt_tokens").asInt());
        assertEquals(23, completion.at("/usage/total_tokens").asInt());
    }

    @Test
    void anAnthropicStreamIsMeteredFromMessageStartAndMessageDelta() throws Exception {
        String sse = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4\","
                + "\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":3,\"output_tokens\":1}}}\n\n"
                + "event: ping\ndata: {\"type\":\"ping\"}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello \"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"there\"}}\n\n"
                + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"weather\",\"input\":{}}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}\n\n"
                + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Rome\\\"}\"}}\n\n"
                + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":42}}\n\n"
                + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        Recorded sink = new Recorded();
        JsonNode message = new AnthropicDialect().relay(stream(sse), sink);
        assertEquals("Hello there", sink.text());
        assertEquals(List.of("tool_calls"), sink.finishes);
        assertTrue(sink.deltas.stream().anyMatch(d -> d.contains("\"id\":\"toolu_1\"") && d.contains("\"index\":0")));
        assertEquals(25, message.at("/usage/input_tokens").asInt());
        assertEquals(3, message.at("/usage/cache_read_input_tokens").asInt());
        assertEquals(42, message.at("/usage/output_tokens").asInt());
        JsonNode completion = new AnthropicDialect().completion(message, null, IDS);
        assertEquals("Hello there", completion.at("/choices/0/message/content").asText());
        assertEquals("{\"city\":\"Rome\"}", completion.at("/choices/0/message/tool_calls/0/function/arguments").asText());
        assertEquals(28, completion.at("/usage/prompt_tokens").asInt());
    }

    @Test
    void anAnthropicErrorEventFailsTheStream() {
        String sse = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        assertEquals(ErrorCode.UPSTREAM_ERROR, assertThrows(TollgateException.class,
                () -> new AnthropicDialect().relay(stream(sse), new Recorded())).code());
    }

    // ---- Gemini ------------------------------------------------------------------------------------------------

    @Test
    void geminiGetsModelTurnsFunctionCallsAndNamedFunctionResponses() {
        ChatRequest chat = request("{\"model\":\"gemini/gemini-2.5-flash\",\"max_tokens\":300,\"top_p\":0.9,"
                + "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}," + TOOLS + "," + CONVERSATION + "}");
        ObjectNode input = new GeminiDialect().nativeInput(chat);
        assertEquals("gemini-2.5-flash", input.path("model").asText());
        assertEquals("Be brief.\n\nUse tools.", input.at("/systemInstruction/parts/0/text").asText());
        assertEquals("user", input.at("/contents/0/role").asText());
        assertEquals("model", input.at("/contents/1/role").asText());
        assertEquals("Paris", input.at("/contents/1/parts/0/functionCall/args/city").asText());
        assertEquals("weather", input.at("/contents/2/parts/0/functionResponse/name").asText());
        assertEquals(21, input.at("/contents/2/parts/0/functionResponse/response/celsius").asInt());
        assertEquals(300, input.at("/generationConfig/maxOutputTokens").asInt());
        assertEquals("weather", input.at("/tools/0/functionDeclarations/0/name").asText());
        assertEquals("ANY", input.at("/toolConfig/functionCallingConfig/mode").asText());
        assertEquals("weather", input.at("/toolConfig/functionCallingConfig/allowedFunctionNames/0").asText());
    }

    @Test
    void aToolResultWithoutItsCallIsRefusedForGemini() {
        ChatRequest chat = request("{\"model\":\"gemini/gemini-2.5-flash\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"nope\",\"content\":\"x\"}]}");
        assertEquals("/messages/1/tool_call_id", assertThrows(TollgateException.class,
                () -> new GeminiDialect().nativeInput(chat)).details().get("pointer"));
    }

    @Test
    void geminiStreamsFromStreamGenerateContentAndIsMeteredFromItsLastUsageMetadata() throws Exception {
        UpstreamRequest built = new UpstreamRequest("POST", URI.create(
                "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"),
                List.of(), new byte[0], Duration.ofSeconds(5), false);
        assertEquals("/v1beta/models/gemini-2.5-flash:streamGenerateContent",
                new GeminiDialect().streamingRequest(built).uri().getPath());
        assertEquals("alt=sse", new GeminiDialect().streamingRequest(built).uri().getQuery());
        String sse = "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hi \"}]},\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":9}}\n\n"
                + "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"you\"}]},\"finishReason\":\"STOP\",\"index\":0}],"
                + "\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":4,\"thoughtsTokenCount\":2},\"modelVersion\":\"gemini-2.5-flash\"}\n\n";
        Recorded sink = new Recorded();
        JsonNode answer = new GeminiDialect().relay(stream(sse), sink);
        assertEquals("Hi you", sink.text());
        assertEquals(List.of("stop"), sink.finishes);
        assertEquals(4, answer.at("/usageMetadata/candidatesTokenCount").asInt());
        JsonNode completion = new GeminiDialect().completion(answer, null, IDS);
        assertEquals("Hi you", completion.at("/choices/0/message/content").asText());
        assertEquals(6, completion.at("/usage/completion_tokens").asInt(), "thinking tokens are output");
    }

    @Test
    void geminiFunctionCallsBecomeToolCalls() throws Exception {
        JsonNode answer = json("{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"weather\",\"args\":{\"city\":\"Oslo\"}}}]},"
                + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":2}}");
        JsonNode completion = new GeminiDialect().completion(answer, null, IDS);
        assertEquals("tool_calls", completion.at("/choices/0/finish_reason").asText());
        assertTrue(completion.at("/choices/0/message/content").isNull());
        assertEquals("{\"city\":\"Oslo\"}", completion.at("/choices/0/message/tool_calls/0/function/arguments").asText());
    }

    // ---- Ollama ------------------------------------------------------------------------------------------------

    @Test
    void ollamaGetsOptionsAndToolCallsWithObjectArguments() {
        ChatRequest chat = request("{\"model\":\"ollama/llama3.2\",\"max_tokens\":50,\"temperature\":0.1,\"stop\":\"x\","
                + TOOLS + "," + CONVERSATION + "}");
        ObjectNode input = new OllamaDialect().nativeInput(chat);
        assertEquals("llama3.2", input.path("model").asText());
        assertEquals(50, input.at("/options/num_predict").asInt());
        assertEquals("x", input.at("/options/stop/0").asText());
        assertEquals("system", input.at("/messages/1/role").asText(), "developer is system for Ollama");
        assertEquals("Paris", input.at("/messages/3/tool_calls/0/function/arguments/city").asText());
        assertEquals("weather", input.at("/tools/0/function/name").asText());
    }

    @Test
    void anOllamaStreamOfJsonLinesIsAssembledWithItsCounts() throws Exception {
        String lines = "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}\n"
                + "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"lo\"},\"done\":false}\n"
                + "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,"
                + "\"done_reason\":\"stop\",\"prompt_eval_count\":12,\"eval_count\":5}\n";
        Recorded sink = new Recorded();
        JsonNode answer = new OllamaDialect().relay(stream(lines), sink);
        assertEquals("Hello", sink.text());
        assertEquals(List.of("stop"), sink.finishes);
        JsonNode completion = new OllamaDialect().completion(answer, null, IDS);
        assertEquals("Hello", completion.at("/choices/0/message/content").asText());
        assertEquals(17, completion.at("/usage/total_tokens").asInt());
    }

    // ---- errors ------------------------------------------------------------------------------------------------

    @Test
    void errorsHaveOpenAisShapeWithTollgatesCode() throws Exception {
        var response = OpenAiErrors.from(TollgateException.validation("/messages/0/role", "bad role"), "req_1");
        JsonNode body = Json.read(response.body());
        assertEquals(400, response.status());
        assertEquals("invalid_request_error", body.at("/error/type").asText());
        assertEquals("validation_failed", body.at("/error/code").asText());
        assertEquals("messages.0.role", body.at("/error/param").asText());
        assertEquals("req_1", body.at("/error/request_id").asText());
        var unauthorized = OpenAiErrors.from(TollgateException.unauthorized(), "req_2");
        assertEquals("authentication_error", Json.read(unauthorized.body()).at("/error/type").asText());
        assertTrue(unauthorized.headers().containsKey("WWW-Authenticate"));
    }
}
