package dev.tollgate.functions.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The OpenAI Lambda handler driven by the events under events/openai, with WireMock upstreams: models, an Anthropic
 * chat replayed by its Idempotency-Key, and a streamed completion both as API Gateway's buffered integration returns
 * it (the whole event stream, billing headers included) and as a Function URL response stream (prelude, eight NULs,
 * body).
 */
class OpenAiHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;
    private static final String ANTHROPIC = "sk-ant-api03-platPLATplatPLATplatPLATplatPLAT0001";
    private static final String OPENAI = "sk-proj-platPLATplatPLATplat000001";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;
    private static OpenAiHandler handler;

    @BeforeAll
    static void start() {
        h = ExecutionHarness.start(DYNAMO);
        handler = new OpenAiHandler(h.services);
        h.vault.setPlatformKey("anthropic", ANTHROPIC);
        h.vault.setPlatformKey("openai", OPENAI);
        h.wiremock.stubFor(post(urlPathEqualTo("/anthropic/v1/messages"))
                .withHeader("x-api-key", equalTo(ANTHROPIC))
                .withRequestBody(matchingJsonPath("$.system", equalTo("Answer in one word.")))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4\","
                                + "\"content\":[{\"type\":\"text\",\"text\":\"Hello.\"}],\"stop_reason\":\"end_turn\","
                                + "\"usage\":{\"input_tokens\":12,\"output_tokens\":3}}")));
        h.wiremock.stubFor(post(urlPathEqualTo("/openai/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.stream_options.include_usage", equalTo("true")))
                .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(
                        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}\n\n"
                                + "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n"
                                + "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}\n\n"
                                + "data: [DONE]\n\n")));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void listsModelsInOpenAisShape() throws Exception {
        var customer = h.customer(Plan.PRO, 0);
        var response = handler.handleRequest(ApiEvents.fromRepo("openai/list-models.json",
                Map.of("tg_test_PLACEHOLDER", customer.token())), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        JsonNode list = JSON.readTree(response.getBody());
        assertEquals("list", list.path("object").asText());
        assertTrue(list.path("data").findValuesAsText("id").contains("anthropic/claude-sonnet-4"), response.getBody());
    }

    @Test
    void aChatIsBilledInHeadersAndReplayedByItsIdempotencyKey() throws Exception {
        var customer = h.customer(Plan.PRO, 100 * CREDIT);
        Map<String, String> placeholders = Map.of("tg_test_PLACEHOLDER", customer.token(),
                "IDEMPOTENCY_PLACEHOLDER", "chat-" + customer.accountId());
        APIGatewayV2HTTPResponse first = handler.handleRequest(ApiEvents.fromRepo("openai/chat-completion.json", placeholders), null);
        APIGatewayV2HTTPResponse second = handler.handleRequest(ApiEvents.fromRepo("openai/chat-completion.json", placeholders), null);
        assertEquals(200, first.getStatusCode(), first.getBody());
        JsonNode completion = JSON.readTree(first.getBody());
        assertEquals("anthropic/claude-sonnet-4", completion.path("model").asText());
        assertEquals("Hello.", completion.at("/choices/0/message/content").asText());
        assertEquals(15, completion.at("/usage/total_tokens").asInt());
        // claude-sonnet-4: 3 credits per 1K input, 15 per 1K output → 12 × 3000 µcr + 3 × 15000 µcr
        assertEquals("credits", first.getHeaders().get("x-tollgate-billing-mode"));
        assertEquals("0.081", first.getHeaders().get("x-tollgate-credits-charged"));
        assertEquals("99.919", first.getHeaders().get("x-tollgate-credits-remaining"));
        assertEquals("true", second.getHeaders().get("Idempotent-Replayed"));
        assertEquals(completion.path("choices"), JSON.readTree(second.getBody()).path("choices"));
        h.wiremock.verify(1, postRequestedFor(urlPathEqualTo("/anthropic/v1/messages")));
        assertEquals((100 * CREDIT) - 81_000, h.balance(customer.acting()).available());
    }

    @Test
    void behindTheHttpApiAStreamIsReturnedWholeWithItsBilling() throws Exception {
        var customer = h.customer(Plan.PRO, 100 * CREDIT);
        var response = handler.handleRequest(ApiEvents.fromRepo("openai/chat-completion-stream.json",
                Map.of("tg_test_PLACEHOLDER", customer.token())), null);
        assertEquals(200, response.getStatusCode(), response.getBody());
        assertTrue(response.getHeaders().get("Content-Type").startsWith("text/event-stream"));
        String body = response.getBody();
        assertTrue(body.contains("\"content\":\"Hel\"") && body.contains("\"content\":\"lo\""), body);
        assertTrue(body.contains("\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2"), body);
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
        // gpt-4o-mini: 0.15 credits per 1K input, 0.6 per 1K output → 10 × 150 µcr + 2 × 600 µcr
        assertEquals("0.0027", response.getHeaders().get("x-tollgate-credits-charged"));
    }

    @Test
    void asAFunctionUrlResponseStreamItWritesThePreludeThenTheEvents() throws Exception {
        var customer = h.customer(Plan.PRO, 100 * CREDIT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleStreaming(ApiEvents.fromRepo("openai/chat-completion-stream.json",
                Map.of("tg_test_PLACEHOLDER", customer.token())), out);
        byte[] bytes = out.toByteArray();
        int delimiter = indexOfEightNuls(bytes);
        assertTrue(delimiter > 0, "prelude and body are separated by eight NUL bytes");
        JsonNode prelude = JSON.readTree(Arrays.copyOf(bytes, delimiter));
        assertEquals(200, prelude.path("statusCode").asInt());
        assertEquals("credits", prelude.at("/headers/x-tollgate-billing-mode").asText());
        String body = new String(bytes, delimiter + 8, bytes.length - delimiter - 8, StandardCharsets.UTF_8);
        assertTrue(body.startsWith("data: {"), body);
        assertTrue(body.contains(": tollgate-billing {"), body);
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);

        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        handler.handleStreaming(ApiEvents.fromRepo("openai/chat-completion-stream.json",
                Map.of("tg_test_PLACEHOLDER", "tg_test_not-a-key")), refused);
        bytes = refused.toByteArray();
        delimiter = indexOfEightNuls(bytes);
        assertEquals(401, JSON.readTree(Arrays.copyOf(bytes, delimiter)).path("statusCode").asInt());
        assertEquals("authentication_error", JSON.readTree(new String(bytes, delimiter + 8, bytes.length - delimiter - 8,
                StandardCharsets.UTF_8)).at("/error/type").asText());
    }

    private static int indexOfEightNuls(byte[] bytes) {
        int run = 0;
        for (int i = 0; i < bytes.length; i++) {
            run = bytes[i] == 0 ? run + 1 : 0;
            if (run == 8) {
                return i - 7;
            }
        }
        return -1;
    }
}
