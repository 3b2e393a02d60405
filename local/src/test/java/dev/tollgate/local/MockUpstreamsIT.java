package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.tollgate.auth.Acting;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.RepoRoot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --mock-upstreams}: the fake providers answer the real execution engine in both modes with usage, reject a
 * key containing "invalid" the way the provider would, and the local runner routes every provider to them.
 */
class MockUpstreamsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;
    private static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));

    /** A minimal valid input per operation, as the walkthrough and docs use them. */
    static final Map<String, String> SAMPLES = Map.ofEntries(
            Map.entry("openai_chat_completion", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}"),
            Map.entry("openai_embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}"),
            Map.entry("anthropic_messages", "{\"model\":\"claude-sonnet-4\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
            Map.entry("gemini_generate_content", "{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"parts\":[{\"text\":\"Hi\"}]}]}"),
            Map.entry("openrouter_chat_completion", "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
            Map.entry("ollama_chat", "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"),
            Map.entry("stripe_list_customers", "{\"limit\":3}"),
            Map.entry("stripe_create_payment_link", "{\"line_items\":[{\"price\":\"price_123\",\"quantity\":1}]}"),
            Map.entry("twilio_send_sms", "{\"To\":\"+14155550123\",\"From\":\"+14155550100\",\"Body\":\"Hi\"}"),
            Map.entry("resend_send_email", "{\"from\":\"a@acme.dev\",\"to\":\"b@example.com\",\"subject\":\"Hi\",\"text\":\"Hello\"}"),
            Map.entry("tavily_search", "{\"query\":\"tollgates\"}"),
            Map.entry("exa_search", "{\"query\":\"tollgates\"}"),
            Map.entry("firecrawl_scrape", "{\"url\":\"https://example.com\"}"),
            Map.entry("elevenlabs_text_to_speech", "{\"voice_id\":\"21m00Tcm4TlvDq8ikWAM\",\"text\":\"Hello there\"}"),
            Map.entry("browserbase_create_session", "{\"projectId\":\"proj_1\"}"),
            Map.entry("context7_resolve_library", "{\"query\":\"react\"}"),
            Map.entry("context7_get_docs", "{\"libraryId\":\"/facebook/react\",\"query\":\"hooks\"}"));

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static MockUpstreams mocks;
    private static ExecutionHarness h;

    @BeforeAll
    static void start() {
        mocks = MockUpstreams.start(CATALOG);
        h = ExecutionHarness.withConfig(DYNAMO, mocks.environment());
        mocks.platformKeys().forEach(h.vault::setPlatformKey);
    }

    @AfterAll
    static void stop() {
        h.close();
        mocks.close();
    }

    @Test
    void everyCreditProviderHasAFakeKeyInItsRealFormat() {
        for (Provider p : CATALOG.creditProviders()) {
            assertTrue(p.acceptsKey(MockUpstreams.FAKE_KEYS.get(p.id())), "fake key for " + p.id());
        }
        assertEquals(CATALOG.creditProviders().size(), mocks.platformKeys().size());
        for (var op : CATALOG.operations()) {
            assertTrue(SAMPLES.containsKey(op.toolName()), "no sample input for " + op.toolName());
        }
    }

    @Test
    void everyOperationWorksInCreditsModeWithUsage() {
        for (var op : CATALOG.operations()) {
            if (op.tool().equals("ollama")) {
                continue;
            }
            Acting acting = h.account(Plan.PRO, 100 * CREDIT);
            ExecutionOutcome out = h.execute(acting, op.tool(), op.id(), SAMPLES.get(op.toolName()));
            JsonNode billing = out.body().path("billing");
            assertEquals(200, out.status(), op.toolName());
            assertEquals(op.isFree() ? "free" : "credits", billing.path("mode").asText(), op.toolName());
            long charged = Credits.fromCredits(billing.path("credits_charged").decimalValue());
            assertEquals(100 * CREDIT - charged, h.balance(acting).available(), op.toolName());
            if (op.tool().matches("openai|anthropic|gemini|openrouter")) {
                assertTrue(billing.path("usage").path("input_tokens").asLong() > 0, op.toolName());
                assertTrue(charged > 0, op.toolName());
            }
        }
    }

    @Test
    void byokWorksAndAnInvalidKeyIsRejectedLikeTheProviderWould() {
        for (Provider p : CATALOG.byokProviders()) {
            var op = p.operations().get(0);
            Acting acting = h.account(Plan.PRO, 10 * CREDIT);
            String key = p.id().equals("ollama") ? mocks.ollamaUrl() : MockUpstreams.FAKE_KEYS.get(p.id());
            h.vault.register(acting.accountId(), p.id(), key);
            ExecutionOutcome out = h.execute(acting, p.id(), op.id(), SAMPLES.get(op.toolName()));
            assertEquals("byok", out.body().path("billing").path("mode").asText(), p.id());
            assertEquals(10 * CREDIT, h.balance(acting).available());
            if (p.id().equals("ollama")) {
                continue;
            }
            String invalid = key.startsWith("AC") ? key.replace(":mock", ":invalid") : key + "invalid";
            h.vault.register(acting.accountId(), p.id(), invalid);
            TollgateException e = org.junit.jupiter.api.Assertions.assertThrows(TollgateException.class,
                    () -> h.execute(acting, p.id(), op.id(), SAMPLES.get(op.toolName())), p.id());
            assertEquals(ErrorCode.BYOK_KEY_REJECTED, e.code(), p.id());
            assertEquals(10 * CREDIT, h.balance(acting).available());
        }
    }

    @Test
    void anExplicitUpstreamUrlWinsOverTheMocks() throws Exception {
        // A real Tavily stand-in beside the mocks: the operator's TOLLGATE_UPSTREAM_TAVILY_URL is kept, every other
        // provider still goes to the mocks.
        WireMockServer real = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        real.start();
        try {
            real.stubFor(WireMock.post(WireMock.urlPathEqualTo("/search")).willReturn(WireMock.okJson(
                    "{\"query\":\"tollgates\",\"results\":[{\"title\":\"from the real upstream\"}]}")));
            String tavily = Provider.baseUrlVariable("tavily");
            Map<String, String> env = mocks.environmentUnder(Map.of(tavily, real.baseUrl()));
            assertEquals(real.baseUrl(), env.get(tavily));
            assertEquals(mocks.environment().get(Provider.baseUrlVariable("exa")), env.get(Provider.baseUrlVariable("exa")));
            try (LocalTollgate tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find())
                    .withEnvironment(env))) {
                LocalTollgate.Demo demo = tollgate.seedDemo();
                mocks.registerPlatformKeys(tollgate.baseUrl(), tollgate.adminToken());
                JsonNode tavilyAnswer = execute(tollgate, demo, "tavily", "search");
                assertEquals("from the real upstream", tavilyAnswer.path("result").path("results").path(0).path("title").asText());
                real.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/search"))
                        .withHeader("Authorization", WireMock.equalTo("Bearer " + MockUpstreams.FAKE_KEYS.get("tavily"))));
                JsonNode exaAnswer = execute(tollgate, demo, "exa", "search");
                assertTrue(exaAnswer.path("result").path("results").path(0).path("title").asText().startsWith("Mock page"));
            }
        } finally {
            real.stop();
        }
    }

    private static JsonNode execute(LocalTollgate tollgate, LocalTollgate.Demo demo, String tool, String operation)
            throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(tollgate.baseUrl().toString().replaceAll("/$", "") + "/api/v1/execute"))
                .header("Authorization", "Bearer " + demo.apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tool\":\"" + tool + "\",\"operation\":\"" + operation
                        + "\",\"input\":" + SAMPLES.get(tool + "_" + operation) + "}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    @Test
    void theLocalRunnerRoutesProvidersToTheMocks() throws Exception {
        try (LocalTollgate tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find())
                .withEnvironment(mocks.environment()))) {
            assertTrue(tollgate.mountedFunctions().contains("ExecuteFunction"));
            LocalTollgate.Demo demo = tollgate.seedDemo();
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(tollgate.baseUrl().toString().replaceAll("/$", "") + "/api/v1/execute"))
                    .header("Authorization", "Bearer " + demo.apiKey())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tool\":\"context7\",\"operation\":\"resolve_library\","
                            + "\"input\":" + SAMPLES.get("context7_resolve_library") + "}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            JsonNode body = JSON.readTree(response.body());
            assertEquals("free", body.path("billing").path("mode").asText());
            assertEquals("/facebook/react", body.path("result").path("results").path(0).path("id").asText());
            // The fake federated MCP servers list their tools and answer, so the offline demo covers them too.
            tollgate.services().toolDirectory().refreshFederated().join();
            HttpResponse<String> tools = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(tollgate.baseUrl().toString().replaceAll("/$", "") + "/api/v1/tools?limit=100"))
                    .header("Authorization", "Bearer " + demo.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
            java.util.List<String> names = new java.util.ArrayList<>();
            JSON.readTree(tools.body()).path("tools").forEach(t -> names.add(t.path("name").asText()));
            assertTrue(names.containsAll(java.util.List.of("playwright_browser_navigate", "semgrep_semgrep_scan",
                    "deepwiki_ask_question")), names.toString());
            HttpResponse<String> navigate = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(tollgate.baseUrl().toString().replaceAll("/$", "") + "/api/v1/execute"))
                    .header("Authorization", "Bearer " + demo.apiKey())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"tool\":\"playwright\",\"operation\":\"browser_navigate\","
                            + "\"input\":{\"url\":\"https://example.com\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, navigate.statusCode(), navigate.body());
            JsonNode page = JSON.readTree(navigate.body());
            assertTrue(page.path("result").path("content").path(0).path("text").asText().contains("Page URL: https://example.com"));
            assertEquals("free", page.path("billing").path("mode").asText());
            // Registration goes through the operator API; the statuses say whether this build has the vault's route.
            assertEquals(mocks.platformKeys().keySet(),
                    mocks.registerPlatformKeys(tollgate.baseUrl(), tollgate.adminToken()).keySet());
        }
    }
}
