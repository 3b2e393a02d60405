package dev.tollgate.execution;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import dev.tollgate.auth.Acting;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.vault.ProviderKey;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every provider of SPEC 5 through the one catalog-driven adapter, against WireMock and DynamoDB Local, in both
 * modes: the stub only answers when the provider's auth style carries the right key (BYOK key or platform key), the
 * usage is read from the provider's response, and credits mode charges exactly the catalog price.
 */
class ProviderMatrixIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;

    /**
     * One operation: how it is called, what the provider answers, and what it costs.
     *
     * @param credits expected charge in credits mode (null: no credits mode)
     */
    record Case(String tool, String op, String method, String path, String input, String byokKey, String platformKey,
                String response, String contentType, String credits, long inputTokens, long outputTokens,
                long characters) {
        @Override
        public String toString() {
            return tool + "_" + op;
        }
    }

    static final String SID = "AC" + "0123456789abcdef".repeat(2);

    static Stream<Case> cases() {
        return Stream.of(
                new Case("openai", "chat_completion", "POST", "/openai/v1/chat/completions",
                        "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],\"max_tokens\":1000}",
                        "sk-proj-byokBYOKbyokBYOK0123456789", "sk-platformPLATFORM0123456789",
                        "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-2024-08-06\","
                                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},"
                                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":1000,"
                                + "\"total_tokens\":1009}}", "application/json", "10.0225", 9, 1000, 0),
                new Case("openai", "embeddings", "POST", "/openai/v1/embeddings",
                        "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}",
                        "sk-proj-byokBYOKbyokBYOK0123456789", "sk-platformPLATFORM0123456789",
                        "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.0023,-0.0091]}],"
                                + "\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}",
                        "application/json", "0.00002", 1, 0, 0),
                new Case("anthropic", "messages", "POST", "/anthropic/v1/messages",
                        "{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                        "sk-ant-api03-byokBYOKbyokBYOKbyokBYOKbyokBYOK01", "sk-ant-api03-platPLATplatPLATplatPLATplatPLAT01",
                        "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-20250514\","
                                + "\"content\":[{\"type\":\"text\",\"text\":\"Hello!\"}],\"stop_reason\":\"end_turn\","
                                + "\"usage\":{\"input_tokens\":20,\"cache_creation_input_tokens\":0,"
                                + "\"cache_read_input_tokens\":10,\"output_tokens\":100}}",
                        "application/json", "1.59", 30, 100, 0),
                new Case("gemini", "generate_content", "POST", "/gemini/v1beta/models/gemini-2.5-flash:generateContent",
                        "{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}",
                        "AIzaSyBYOK-byok_BYOK0123456789abcdefgh", "AIzaSyPLAT-plat_PLAT0123456789abcdefgh",
                        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hello\"}]},"
                                + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":10,"
                                + "\"candidatesTokenCount\":50,\"thoughtsTokenCount\":20,\"totalTokenCount\":80},"
                                + "\"modelVersion\":\"gemini-2.5-flash\"}",
                        "application/json", "0.178", 10, 70, 0),
                new Case("openrouter", "chat_completion", "POST", "/openrouter/api/v1/chat/completions",
                        "{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                        "sk-or-v1-" + "b".repeat(64), "sk-or-v1-" + "p".repeat(64),
                        "{\"id\":\"gen-1\",\"model\":\"openai/gpt-4o\",\"choices\":[{\"message\":{\"role\":\"assistant\","
                                + "\"content\":\"Hello\"}}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":100}}",
                        "application/json", "1.025", 10, 100, 0),
                new Case("stripe", "list_customers", "GET", "/stripe/v1/customers", "{\"limit\":2}",
                        "sk_test_byokBYOKbyokBYOKbyokBYOK01", "sk_live_platPLATplatPLATplatPLAT01",
                        "{\"object\":\"list\",\"url\":\"/v1/customers\",\"has_more\":false,\"data\":[{\"id\":\"cus_1\","
                                + "\"object\":\"customer\",\"email\":\"a@example.com\"}]}",
                        "application/json", "0.1", 0, 0, 0),
                new Case("stripe", "create_payment_link", "POST", "/stripe/v1/payment_links",
                        "{\"line_items\":[{\"price\":\"price_123\",\"quantity\":1}]}",
                        "sk_test_byokBYOKbyokBYOKbyokBYOK01", "sk_live_platPLATplatPLATplatPLAT01",
                        "{\"id\":\"plink_1\",\"object\":\"payment_link\",\"active\":true,\"url\":\"https://buy.stripe.com/test_1\"}",
                        "application/json", "0.1", 0, 0, 0),
                new Case("twilio", "send_sms", "POST", "/twilio/2010-04-01/Accounts/" + SID + "/Messages.json",
                        "{\"To\":\"+14155550123\",\"From\":\"+14155550100\",\"Body\":\"Your code is 1234\"}",
                        SID + ":" + "b".repeat(32), SID + ":" + "p".repeat(32),
                        "{\"sid\":\"SM1\",\"status\":\"queued\",\"to\":\"+14155550123\",\"body\":\"Your code is 1234\"}",
                        "application/json", "1", 0, 0, 0),
                new Case("resend", "send_email", "POST", "/resend/emails",
                        "{\"from\":\"Acme <hi@acme.dev>\",\"to\":\"bo@example.com\",\"subject\":\"Hi\",\"text\":\"Hello\"}",
                        "re_byokBYOKbyokBYOKbyok01", "re_platPLATplatPLATplat01", "{\"id\":\"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794\"}",
                        "application/json", "0.1", 0, 0, 0),
                new Case("tavily", "search", "POST", "/tavily/search", "{\"query\":\"tollgates\"}",
                        "tvly-byokBYOKbyokBYOKbyok01", "tvly-platPLATplatPLATplat01",
                        "{\"query\":\"tollgates\",\"results\":[{\"title\":\"Toll\",\"url\":\"https://example.com\","
                                + "\"content\":\"...\",\"score\":0.9}],\"response_time\":0.8}",
                        "application/json", "1", 0, 0, 0),
                new Case("exa", "search", "POST", "/exa/search", "{\"query\":\"papers about tolls\"}",
                        "0b1c2d3e-aaaa-4bbb-8ccc-0123456789ab", "9f8e7d6c-aaaa-4bbb-8ccc-0123456789ab",
                        "{\"requestId\":\"r1\",\"results\":[{\"title\":\"Tolls\",\"url\":\"https://example.org\"}]}",
                        "application/json", "1", 0, 0, 0),
                new Case("firecrawl", "scrape", "POST", "/firecrawl/v1/scrape", "{\"url\":\"https://example.com\"}",
                        "fc-byokBYOKbyokBYOKbyok01", "fc-platPLATplatPLATplat01",
                        "{\"success\":true,\"data\":{\"markdown\":\"# Example\",\"metadata\":{\"statusCode\":200}}}",
                        "application/json", "1", 0, 0, 0),
                new Case("elevenlabs", "text_to_speech", "POST", "/elevenlabs/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM",
                        "{\"voice_id\":\"21m00Tcm4TlvDq8ikWAM\",\"text\":\"" + "a".repeat(200) + "\"}",
                        "sk_" + "b".repeat(40), "sk_" + "p".repeat(40), "ID3-fake-mp3-bytes", "audio/mpeg", "0.6", 0, 0, 200),
                new Case("browserbase", "create_session", "POST", "/browserbase/v1/sessions", "{\"projectId\":\"proj_1\"}",
                        "bb_live_byokBYOKbyokBYOKbyok01", "bb_live_platPLATplatPLATplat01",
                        "{\"id\":\"sess_1\",\"status\":\"RUNNING\",\"connectUrl\":\"wss://connect.browserbase.com/?x\"}",
                        "application/json", "5", 0, 0, 0));
    }

    @BeforeAll
    static void start() {
        h = ExecutionHarness.start(DYNAMO);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    /** The stub answers only when {@code key} is sent the way the provider's catalog auth style says. */
    private static MappingBuilder authed(Case c, String key) {
        MappingBuilder b = request(c.method(), urlPathEqualTo(c.path()));
        return switch (c.tool()) {
            case "anthropic" -> b.withHeader("x-api-key", equalTo(key)).withHeader("anthropic-version", equalTo("2023-06-01"))
                    .withHeader("Authorization", absent());
            case "gemini" -> b.withHeader("x-goog-api-key", equalTo(key));
            case "exa" -> b.withHeader("x-api-key", equalTo(key));
            case "elevenlabs" -> b.withHeader("xi-api-key", equalTo(key));
            case "browserbase" -> b.withHeader("x-bb-api-key", equalTo(key));
            case "twilio" -> b.withHeader("Authorization", equalTo("Basic "
                    + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8))))
                    .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"));
            default -> b.withHeader("Authorization", equalTo("Bearer " + key));
        };
    }

    private static void stub(Case c, String key) {
        h.wiremock.stubFor(authed(c, key).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", c.contentType()).withBody(c.response())));
    }

    @ParameterizedTest(name = "{0} with the customer's key: mode byok, 0 credits, usage recorded")
    @MethodSource("cases")
    void byok(Case c) {
        Acting acting = h.account(Plan.PRO, 5 * CREDIT);
        ProviderKey key = h.vault.register(acting.accountId(), c.tool(), c.byokKey());
        h.vault.setPlatformKey(c.tool(), c.platformKey());
        stub(c, c.byokKey());

        ExecutionOutcome out = h.execute(acting, c.tool(), c.op(), c.input());
        assertEquals(200, out.status(), out.body().toString());
        JsonNode billing = out.body().path("billing");
        assertEquals("byok", billing.path("mode").asText());
        assertEquals(0, billing.path("credits_charged").decimalValue().signum());
        assertEquals("personal", billing.path("key_source").asText());
        assertEquals(key.id(), billing.path("byok_key_id").asText());
        assertEquals(0, new BigDecimal("5").compareTo(billing.path("credits_remaining").decimalValue()));
        assertEquals(c.inputTokens(), billing.path("usage").path("input_tokens").asLong());
        assertEquals(c.outputTokens(), billing.path("usage").path("output_tokens").asLong());
        assertTrue(billing.path("request_id").asText().startsWith("req_"));
        assertEquals(5 * CREDIT, h.balance(acting).available(), "BYOK never touches the balance");

        UsageRecord usage = only(h.usage(acting));
        assertEquals("byok", usage.mode());
        assertEquals("ok", usage.status());
        assertEquals(0, usage.creditsMicros());
        assertEquals(c.inputTokens(), usage.inputTokens());
        assertEquals(c.outputTokens(), usage.outputTokens());
        assertEquals(c.characters(), usage.characters());
        assertEquals(key.id(), usage.byokKeyId());
        assertEquals(c.tool(), usage.provider());
        assertEquals(c.op(), usage.operation());
    }

    @ParameterizedTest(name = "{0} without a key: credits charged exactly per catalog price")
    @MethodSource("cases")
    void credits(Case c) {
        Acting acting = h.account(Plan.PRO, 100 * CREDIT);
        h.vault.setPlatformKey(c.tool(), c.platformKey());
        stub(c, c.platformKey());
        long price = Credits.fromCredits(c.credits());

        ExecutionOutcome out = h.execute(acting, c.tool(), c.op(), c.input());
        assertEquals(200, out.status(), out.body().toString());
        JsonNode billing = out.body().path("billing");
        assertEquals("credits", billing.path("mode").asText());
        assertEquals(0, new BigDecimal(c.credits()).compareTo(billing.path("credits_charged").decimalValue()),
                billing.toString());
        assertEquals("platform", billing.path("key_source").asText());
        assertTrue(billing.path("byok_key_id").isNull());
        assertEquals(100 * CREDIT - price, h.balance(acting).available(), "the balance drops by exactly the price");
        assertEquals(0, h.balance(acting).held());
        assertEquals(0, Credits.toCredits(100 * CREDIT - price).compareTo(billing.path("credits_remaining").decimalValue()));

        List<LedgerEntry> entries = h.services.ledger().entries(acting.accountId(), null, 10).items();
        assertEquals(LedgerEntry.Type.CAPTURE, entries.get(0).type());
        assertEquals(price, entries.get(0).amount());
        assertEquals(LedgerEntry.Type.HOLD, entries.get(1).type());

        UsageRecord usage = only(h.usage(acting));
        assertEquals("credits", usage.mode());
        assertEquals(price, usage.creditsMicros());
        assertEquals(0, usage.unchargedMicros());
        assertEquals(c.inputTokens(), usage.inputTokens());
        assertEquals(c.characters(), usage.characters());
        assertEquals(entries.get(0).holdId(), usage.holdId());
    }

    @Test
    void gpt4oThousandOutputTokensCostTenCredits() {
        Case c = cases().findFirst().orElseThrow();
        Acting acting = h.account(Plan.PRO, 100 * CREDIT);
        h.vault.setPlatformKey("openai", c.platformKey());
        h.wiremock.stubFor(authed(c, c.platformKey()).withRequestBody(matchingJsonPath("$.max_tokens", equalTo("1000")))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"choices\":[],\"usage\":{\"prompt_tokens\":0,\"completion_tokens\":1000}}")));
        ExecutionOutcome out = h.execute(acting, "openai", "chat_completion", c.input());
        assertEquals(0, new BigDecimal("10").compareTo(out.body().path("billing").path("credits_charged").decimalValue()));
        assertEquals(90 * CREDIT, h.balance(acting).available());
    }

    @Test
    void usageAboveTheHoldIsChargedUpToTheHoldAndTheRestRecorded() {
        Case c = cases().findFirst().orElseThrow();
        Acting acting = h.account(Plan.PRO, 100 * CREDIT);
        h.vault.setPlatformKey("openai", c.platformKey());
        // The prompt is estimated at 10 tokens (39 bytes / 4); the provider reports 400 (e.g. an image part).
        h.wiremock.stubFor(authed(c, c.platformKey()).withRequestBody(matchingJsonPath("$.max_tokens", equalTo("100")))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"choices\":[],\"usage\":{\"prompt_tokens\":400,\"completion_tokens\":100}}")));
        ExecutionOutcome out = h.execute(acting, "openai", "chat_completion",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],\"max_tokens\":100}");
        long hold = 25_000 + 1_000_000;      // ceil(10 × 2.5 / 1000) + 100 × 10 / 1000 credits, in µcr
        long price = 1_000_000 + 1_000_000;  // 400 × 2.5 / 1000 + 100 × 10 / 1000
        assertEquals(0, Credits.toCredits(hold).compareTo(out.body().path("billing").path("credits_charged").decimalValue()));
        assertEquals(100 * CREDIT - hold, h.balance(acting).available());
        UsageRecord usage = only(h.usage(acting));
        assertEquals(hold, usage.creditsMicros());
        assertEquals(price - hold, usage.unchargedMicros());
        assertEquals(400, usage.inputTokens());
    }

    @Test
    void theOutputCapIsForwardedSoTheProviderCannotExceedTheHold() {
        Case c = cases().findFirst().orElseThrow();
        Acting acting = h.account(Plan.PRO, 100 * CREDIT);
        h.vault.setPlatformKey("openai", c.platformKey());
        stub(c, c.platformKey());
        h.execute(acting, "openai", "chat_completion",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"cap me\"}],\"max_tokens\":50000}");
        h.wiremock.verify(postRequestedFor(urlPathEqualTo(c.path()))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("cap me")))
                .withRequestBody(matchingJsonPath("$.max_tokens", equalTo("4096"))));
        h.execute(acting, "openai", "chat_completion",
                "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"no cap given\"}]}");
        h.wiremock.verify(postRequestedFor(urlPathEqualTo(c.path()))
                .withRequestBody(matchingJsonPath("$.messages[0].content", equalTo("no cap given")))
                .withRequestBody(matchingJsonPath("$.max_completion_tokens", equalTo("4096"))));
    }

    @Test
    void binaryAudioComesBackBase64() {
        Case c = cases().filter(x -> x.tool().equals("elevenlabs")).findFirst().orElseThrow();
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.vault.setPlatformKey("elevenlabs", c.platformKey());
        stub(c, c.platformKey());
        JsonNode result = h.execute(acting, c.tool(), c.op(), c.input()).body().path("result");
        assertEquals("audio/mpeg", result.path("content_type").asText());
        assertEquals(c.response(), new String(Base64.getDecoder().decode(result.path("data_base64").asText()),
                StandardCharsets.UTF_8));
    }

    @Test
    void freeToolsNeedNoKeyAndCostNothing() {
        Acting acting = h.account(Plan.FREE, 0);
        h.wiremock.stubFor(request("GET", urlPathEqualTo("/context7/v1/search"))
                .withQueryParam("query", equalTo("react")).withHeader("Authorization", absent())
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"results\":[{\"id\":\"/facebook/react\",\"title\":\"React\"}]}")));
        ExecutionOutcome out = h.execute(acting, "context7", "resolve_library", "{\"query\":\"react\"}");
        JsonNode billing = out.body().path("billing");
        assertEquals("free", billing.path("mode").asText());
        assertEquals(0, billing.path("credits_charged").decimalValue().signum());
        assertTrue(billing.path("key_source").isNull());
        assertEquals("/facebook/react", out.body().path("result").path("results").path(0).path("id").asText());
        assertEquals("free", only(h.usage(acting)).mode());
    }

    @Test
    void ollamaWorksWithTheCustomersServerOnlyAndModelsNeedNoPrice() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.wiremock.stubFor(request("POST", urlPathEqualTo("/api/chat"))
                .withRequestBody(equalToJson("{\"model\":\"llama3.2\",\"stream\":false}", true, true))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(
                        "{\"model\":\"llama3.2\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":true,"
                                + "\"prompt_eval_count\":26,\"eval_count\":12}")));
        String input = "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        assertEquals("byok_required", assertFails(() -> h.execute(acting, "ollama", "chat", input)));
        h.vault.register(acting.accountId(), "ollama", h.wiremock.baseUrl());
        ExecutionOutcome out = h.execute(acting, "ollama", "chat", input);
        assertEquals("byok", out.body().path("billing").path("mode").asText());
        assertEquals("Hi", out.body().path("result").path("message").path("content").asText());
        // Ollama reports tokens as prompt_eval_count / eval_count: receipt and usage record carry them, 0 credits.
        assertEquals(26, out.body().path("billing").path("usage").path("input_tokens").asLong());
        assertEquals(12, out.body().path("billing").path("usage").path("output_tokens").asLong());
        UsageRecord ollamaUsage = only(h.usage(acting).stream().filter(u -> "ok".equals(u.status())).toList());
        assertEquals(26, ollamaUsage.inputTokens());
        assertEquals(12, ollamaUsage.outputTokens());
        assertEquals(0, ollamaUsage.creditsMicros());

        // OpenRouter: an unpriced model is refused in credits mode and allowed with the customer's key.
        Acting other = h.account(Plan.PRO, 10 * CREDIT);
        h.vault.setPlatformKey("openrouter", "sk-or-v1-" + "p".repeat(64));
        String unpriced = "{\"model\":\"mistralai/mixtral-8x22b\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        assertEquals("model_not_priced", assertFails(() -> h.execute(other, "openrouter", "chat_completion", unpriced)));
        assertEquals(10 * CREDIT, h.balance(other).available());
        h.vault.register(other.accountId(), "openrouter", "sk-or-v1-" + "b".repeat(64));
        h.wiremock.stubFor(request("POST", urlPathEqualTo("/openrouter/api/v1/chat/completions"))
                .withHeader("Authorization", equalTo("Bearer sk-or-v1-" + "b".repeat(64)))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}")));
        ExecutionOutcome byok = h.execute(other, "openrouter", "chat_completion", unpriced);
        assertEquals("byok", byok.body().path("billing").path("mode").asText());
        assertEquals(4, byok.body().path("billing").path("usage").path("output_tokens").asInt());
    }

    static String assertFails(Runnable call) {
        try {
            call.run();
        } catch (dev.tollgate.domain.TollgateException e) {
            return e.code().code();
        }
        throw new AssertionError("expected a TollgateException");
    }

    private static UsageRecord only(List<UsageRecord> records) {
        assertEquals(1, records.size(), records.toString());
        return records.get(0);
    }

    @Test
    void everyCatalogProviderIsCovered() {
        var covered = cases().map(Case::tool).collect(java.util.stream.Collectors.toSet());
        covered.add("context7");
        covered.add("ollama");
        for (var p : h.services.catalog().providers()) {
            // Federated MCP servers have no catalog operations; FederatedExecutionIT covers them against a real server.
            assertTrue(p.isFederated() || covered.contains(p.id()), "no WireMock case for " + p.id());
        }
    }
}
