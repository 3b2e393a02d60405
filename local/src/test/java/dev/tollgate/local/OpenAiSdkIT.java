package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import dev.tollgate.catalog.ModelPrice;
import dev.tollgate.catalog.Pricing;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.http.ApiRoutes;
import dev.tollgate.testkit.RepoRoot;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK pointed at {@code {base}/v1} with a Tollgate key, against the local runner with the
 * mock upstreams: models, chat with OpenAI, Anthropic and Gemini models in credits mode (the balance drops by exactly
 * the catalog price of the reported usage) and BYOK mode (0 credits), a streamed completion read chunk by chunk with its
 * usage chunk and charged exactly, a tool call round trip, and a rejected BYOK key as an OpenAI-shaped error with
 * nothing charged.
 */
class OpenAiSdkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static MockUpstreams mocks;
    private static LocalTollgate tollgate;
    private static String base;

    @BeforeAll
    static void start() {
        mocks = MockUpstreams.start(dev.tollgate.catalog.ProviderCatalog.load(dev.tollgate.config.Config.of(Map.of())));
        Map<String, String> env = new HashMap<>(mocks.environment());
        mocks.platformKeys().forEach((provider, key) -> env.put("TOLLGATE_PLATFORM_KEY_" + provider.toUpperCase(), key));
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(env));
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void stop() {
        try {
            tollgate.close();
        } finally {
            mocks.close();
        }
    }

    private static String customer(long credits) {
        return tollgate.person("openai-sdk", Plan.PRO, credits * Credits.MICROS_PER_CREDIT).apiKey();
    }

    private static OpenAIClient sdk(String token) {
        return OpenAIOkHttpClient.builder().apiKey(token).baseUrl(base + "/v1").maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void listsTheChatModelsThisKeyCanUse() {
        List<String> ids = sdk(customer(1)).models().list().data().stream().map(Model::id).toList();
        assertTrue(ids.contains("openai/gpt-4o"), ids.toString());
        assertTrue(ids.contains("anthropic/claude-sonnet-4"), ids.toString());
        assertTrue(ids.contains("gemini/gemini-2.5-flash"), ids.toString());
        assertTrue(ids.contains("openrouter/openai/gpt-4o"), ids.toString());
        assertFalse(ids.stream().anyMatch(id -> id.startsWith("ollama/")), "no Ollama key, no Ollama models");
    }

    @Test
    void anOllamaKeyAddsTheServersModelsAndChatsWithThemForNothing() throws Exception {
        String token = customer(1);
        registerKey(token, "ollama", mocks.ollamaUrl());
        OpenAIClient client = sdk(token);
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertTrue(ids.contains("ollama/llama3.2:latest"), ids.toString());
        long before = balance(token);
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("ollama/llama3.2:latest").addUserMessage("Say hello").build());
        assertEquals("Hello from the mock Ollama.", completion.choices().get(0).message().content().orElseThrow());
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("ollama/llama3.2:latest").addUserMessage("Say hello").build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertEquals("Hello from the mock Ollama.", streamed.toString());
        assertEquals(before, balance(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai/gpt-4o", "anthropic/claude-sonnet-4", "gemini/gemini-2.5-flash"})
    void creditsModeChargesExactlyThePriceOfTheReportedUsage(String model) throws Exception {
        String token = customer(100);
        long before = balance(token);
        HttpResponseFor<ChatCompletion> raw = sdk(token).chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello").build());
        ChatCompletion completion = raw.parse();
        assertEquals(model, completion.model());
        assertTrue(completion.choices().get(0).message().content().orElseThrow().startsWith("Hello from the mock"));
        CompletionUsage usage = completion.usage().orElseThrow();
        long price = price(model, usage.promptTokens(), usage.completionTokens());
        assertTrue(price > 0);
        assertEquals("credits", raw.headers().values("x-tollgate-billing-mode").get(0));
        assertEquals(price, micros(raw.headers().values("x-tollgate-credits-charged").get(0)));
        assertEquals(before - price, balance(token), "the balance drops by exactly the price");
        assertEquals(before - price, micros(raw.headers().values("x-tollgate-credits-remaining").get(0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai/gpt-4o", "anthropic/claude-sonnet-4", "gemini/gemini-2.5-flash"})
    void byokModeChargesNothing(String model) throws Exception {
        String token = customer(100);
        String provider = model.substring(0, model.indexOf('/'));
        registerKey(token, provider, MockUpstreams.FAKE_KEYS.get(provider));
        long before = balance(token);
        HttpResponseFor<ChatCompletion> raw = sdk(token).chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello").build());
        assertTrue(raw.parse().choices().get(0).message().content().orElseThrow().startsWith("Hello from the mock"));
        assertEquals("byok", raw.headers().values("x-tollgate-billing-mode").get(0));
        assertEquals(0, micros(raw.headers().values("x-tollgate-credits-charged").get(0)));
        assertEquals(before, balance(token));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai/gpt-4o", "anthropic/claude-sonnet-4", "gemini/gemini-2.5-flash"})
    void aStreamedCompletionArrivesChunkByChunkWithItsUsageAndIsChargedExactly(String model) throws Exception {
        String token = customer(100);
        long before = balance(token);
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = sdk(token).chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        chunks.forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        assertTrue(chunks.size() >= 4, "several content chunks, a finish chunk and the usage chunk: " + chunks.size());
        assertTrue(text.toString().startsWith("Hello from the mock"), text.toString());
        assertTrue(chunks.stream().anyMatch(c -> c.choices().stream().anyMatch(ch -> ch.finishReason().isPresent())));
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty(), "the usage chunk comes last, with no choices");
        CompletionUsage usage = last.usage().orElseThrow();
        assertEquals(before - price(model, usage.promptTokens(), usage.completionTokens()), balance(token));
        assertEquals(0, heldMicros(token), "no hold left open");
    }

    @Test
    void aToolCallOfTheModelRunsThroughToolCallsAndTheAnswerGoesBack() throws Exception {
        String token = customer(100);
        JsonNode tool = get(token, "/api/v1/tools?format=openai").path("tools").findParents("function").stream()
                .filter(t -> t.path("function").path("name").asText().equals("context7_resolve_library"))
                .findFirst().orElseThrow();
        JsonNode function = tool.path("function");
        FunctionParameters.Builder parameters = FunctionParameters.builder();
        function.path("parameters").properties().forEach(e ->
                parameters.putAdditionalProperty(e.getKey(), JsonValue.from(JSON.convertValue(e.getValue(), Object.class))));
        ChatCompletionCreateParams.Builder chat = ChatCompletionCreateParams.builder().model("openai/gpt-4o")
                .addUserMessage("react")
                .addFunctionTool(FunctionDefinition.builder().name(function.path("name").asText())
                        .description(function.path("description").asText()).parameters(parameters.build()).build());
        OpenAIClient client = sdk(token);
        ChatCompletion first = client.chat().completions().create(chat.build());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, first.choices().get(0).finishReason());
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0)
                .asFunction();
        assertEquals("context7_resolve_library", call.function().name());
        assertEquals("react", JSON.readTree(call.function().arguments()).path("query").asText());

        assumeTrue(ApiRoutes.ALL.contains("POST /api/v1/tool-calls"),
                "POST /api/v1/tool-calls (SPEC 12.2) is not on this branch yet; the round trip runs once it lands");
        String toolCalls = "{\"tool_calls\": [" + JSON.writeValueAsString(Map.of("id", call.id(), "type", "function",
                "function", Map.of("name", call.function().name(), "arguments", call.function().arguments()))) + "]}";
        JsonNode executed = post(token, "/api/v1/tool-calls", toolCalls);
        JsonNode message = executed.path("messages").path(0);
        assertEquals(call.id(), message.path("tool_call_id").asText());
        chat.addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id())
                        .content(message.path("content").asText()).build());
        ChatCompletion answer = client.chat().completions().create(chat.build());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.choices().get(0).finishReason());
        assertTrue(answer.choices().get(0).message().content().orElseThrow().startsWith("Hello from the mock"));
    }

    @Test
    void aRejectedByokKeyIsAnOpenAiShapedErrorAndNothingIsCharged() throws Exception {
        String token = customer(100);
        registerKey(token, "anthropic", "sk-ant-api03-invalidINVALIDinvalidINVALIDinvalid01");
        long before = balance(token);
        OpenAIServiceException e = assertThrows(OpenAIServiceException.class, () -> sdk(token).chat().completions()
                .create(ChatCompletionCreateParams.builder().model("anthropic/claude-sonnet-4").addUserMessage("hi").build()));
        assertEquals(424, e.statusCode());
        assertEquals("byok_key_rejected", e.code().orElseThrow());
        assertEquals("invalid_request_error", e.type().orElseThrow());
        assertTrue(e.getMessage().contains("refused your key"), e.getMessage());
        assertEquals(before, balance(token));
        assertEquals(0, heldMicros(token));
    }

    @Test
    void anUnknownModelIsNotFound() {
        OpenAIServiceException e = assertThrows(OpenAIServiceException.class, () -> sdk(customer(1)).chat().completions()
                .create(ChatCompletionCreateParams.builder().model("nobody/model-x").addUserMessage("hi").build()));
        assertEquals(404, e.statusCode());
        assertEquals("model_not_found", e.code().orElseThrow());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The catalog price of this usage, in µcr, rounded up per direction as the catalog's pricing says. */
    private static long price(String model, long promptTokens, long completionTokens) {
        String provider = model.substring(0, model.indexOf('/'));
        String operation = switch (provider) {
            case "anthropic" -> "messages";
            case "gemini" -> "generate_content";
            default -> "chat_completion";
        };
        Pricing.PerThousandTokens pricing = (Pricing.PerThousandTokens) tollgate.services().catalog()
                .operation(provider, operation).orElseThrow().pricing();
        ModelPrice p = pricing.price(model.substring(provider.length() + 1)).orElseThrow();
        return ceilPer1k(promptTokens, p.inputMicrosPer1k()) + ceilPer1k(completionTokens, p.outputMicrosPer1k());
    }

    private static long ceilPer1k(long tokens, long microsPer1k) {
        return BigDecimal.valueOf(tokens).multiply(BigDecimal.valueOf(microsPer1k))
                .divide(BigDecimal.valueOf(1000), 0, RoundingMode.CEILING).longValueExact();
    }

    private static long micros(String credits) {
        return new BigDecimal(credits).movePointRight(6).longValueExact();
    }

    private static long balance(String token) throws Exception {
        return micros(get(token, "/api/v1/key").path("credits_remaining").asText());
    }

    private static long heldMicros(String token) throws Exception {
        return micros(get(token, "/api/v1/key").path("credits_held").asText());
    }

    private static void registerKey(String token, String provider, String key) throws Exception {
        post(token, "/api/v1/byok", JSON.writeValueAsString(Map.of("provider", provider, "api_key", key)));
    }

    private static JsonNode get(String token, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static JsonNode post(String token, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
        JsonNode json = JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
        assertNotNull(json);
        return json;
    }
}
