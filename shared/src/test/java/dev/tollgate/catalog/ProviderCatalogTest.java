package dev.tollgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderCatalogTest {
    private static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));

    @Test
    void listsEveryProviderOfTheSpecInOrder() {
        assertEquals(List.of("openai", "anthropic", "gemini", "openrouter", "ollama", "stripe", "twilio", "resend",
                        "tavily", "exa", "firecrawl", "elevenlabs", "browserbase", "context7", "playwright", "semgrep",
                        "deepwiki"),
                CATALOG.providers().stream().map(Provider::id).toList());
    }

    @ParameterizedTest(name = "{0}: auth {1}, byok {2}, platform {3}")
    @CsvSource({
            "openai,      bearer,                 true,  true",
            "anthropic,   header:x-api-key,       true,  true",
            "gemini,      header:x-goog-api-key,  true,  true",
            "openrouter,  bearer,                 true,  true",
            "ollama,      base_url,               true,  false",
            "stripe,      bearer,                 true,  true",
            "twilio,      basic,                  true,  true",
            "resend,      bearer,                 true,  true",
            "tavily,      bearer,                 true,  true",
            "exa,         header:x-api-key,       true,  true",
            "firecrawl,   bearer,                 true,  true",
            "elevenlabs,  header:xi-api-key,      true,  true",
            "browserbase, header:x-bb-api-key,    true,  true",
            "context7,    none,                   false, false"})
    void providerHasTheSpecifiedAuthAndFlags(String id, String auth, boolean byok, boolean platformKey) {
        Provider p = CATALOG.provider(id).orElseThrow();
        assertEquals(auth, p.auth().toString());
        assertEquals(AuthStyle.parse(auth), p.auth());
        assertEquals(byok, p.byok());
        assertEquals(platformKey, p.platformKey());
        assertEquals(p.auth().needsSecret(), p.keyPattern().isPresent());
        assertEquals(p.auth().needsSecret(), p.keyFormat().isPresent());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "openai,      https://api.openai.com",
            "anthropic,   https://api.anthropic.com",
            "gemini,      https://generativelanguage.googleapis.com",
            "openrouter,  https://openrouter.ai",
            "stripe,      https://api.stripe.com",
            "twilio,      https://api.twilio.com",
            "resend,      https://api.resend.com",
            "tavily,      https://api.tavily.com",
            "exa,         https://api.exa.ai",
            "firecrawl,   https://api.firecrawl.dev",
            "elevenlabs,  https://api.elevenlabs.io",
            "browserbase, https://api.browserbase.com",
            "context7,    https://context7.com/api"})
    void baseUrlsArePublicHttpsEndpoints(String id, String url) {
        assertEquals(Optional.of(url), CATALOG.provider(id).orElseThrow().baseUrl());
    }

    @Test
    void ollamaTakesItsBaseUrlFromTheSecretAndIsByokOnly() {
        Provider ollama = CATALOG.provider("ollama").orElseThrow();
        assertEquals(Optional.empty(), ollama.baseUrl());
        Operation chat = ollama.operation("chat").orElseThrow();
        assertTrue(chat.pricing() instanceof Pricing.ByokOnly);
        assertEquals("false", chat.inputDefaults().get("stream").asText());
        assertFalse(ollama.isFree());
    }

    @Test
    void playwrightSemgrepAndDeepWikiAreFreeFederatedMcpServers() {
        for (String id : List.of("playwright", "semgrep", "deepwiki")) {
            Provider p = CATALOG.provider(id).orElseThrow();
            assertTrue(p.isFederated(), id);
            assertTrue(p.isFree(), id);
            assertTrue(p.operations().isEmpty(), id + ": its tools are discovered");
        }
        // Playwright is self-hosted: no URL until TOLLGATE_UPSTREAM_PLAYWRIGHT_URL names one.
        assertEquals(Optional.empty(), CATALOG.provider("playwright").orElseThrow().baseUrl());
        assertEquals(Optional.of("https://mcp.semgrep.ai/mcp"), CATALOG.provider("semgrep").orElseThrow().baseUrl());
        ProviderCatalog configured = ProviderCatalog.load(Config.of(Map.of(
                "TOLLGATE_UPSTREAM_PLAYWRIGHT_URL", "http://127.0.0.1:8931/mcp", "TOLLGATE_UPSTREAM_SEMGREP_URL", "off")));
        assertEquals(Optional.of("http://127.0.0.1:8931/mcp"), configured.provider("playwright").orElseThrow().baseUrl());
        assertEquals(Optional.empty(), configured.provider("semgrep").orElseThrow().baseUrl());
        assertFalse(CATALOG.creditProviders().stream().anyMatch(Provider::isFederated));
    }

    @Test
    void everyModelOperationReadsTokenUsageFromItsProvidersAnswer() {
        // A model call records tokens in usage whatever the mode: each pricing that names models, or is BYOK-only
        // (Ollama), points at where the provider reports its token counts.
        for (Operation op : CATALOG.operations()) {
            Pricing pricing = op.pricing();
            if (pricing instanceof Pricing.PerThousandTokens tokens) {
                assertFalse(tokens.inputTokensPointers().isEmpty(), op.toolName());
            } else if (pricing instanceof Pricing.ByokOnly byokOnly) {
                assertFalse(byokOnly.inputTokensPointers().isEmpty(), op.toolName());
                assertFalse(byokOnly.outputTokensPointers().isEmpty(), op.toolName());
            }
        }
        var ollama = CATALOG.operation("ollama", "chat").orElseThrow().pricing();
        var answer = dev.tollgate.json.Json.MAPPER.createObjectNode().put("prompt_eval_count", 26).put("eval_count", 12);
        assertEquals(Usage.tokens(26, 12), ollama.usage(null, answer));
    }

    @Test
    void creditProvidersAreThoseWithAPlatformKeyThatAreNotFree() {
        assertEquals(List.of("openai", "anthropic", "gemini", "openrouter", "stripe", "twilio", "resend", "tavily",
                        "exa", "firecrawl", "elevenlabs", "browserbase"),
                CATALOG.creditProviders().stream().map(Provider::id).toList());
        assertEquals(java.util.Set.of("tavily", "resend", "firecrawl", "exa", "browserbase", "openai", "anthropic",
                        "gemini", "openrouter", "stripe", "twilio", "elevenlabs"),
                java.util.Set.copyOf(CATALOG.creditProviders().stream().map(Provider::id).toList()));
    }

    @Test
    void byokProvidersExcludeFreeTools() {
        List<String> byok = CATALOG.byokProviders().stream().map(Provider::id).toList();
        assertTrue(byok.contains("ollama"));
        assertFalse(byok.contains("context7"));
        assertEquals(13, byok.size());
    }

    @Test
    void context7IsFreeWithoutKeyOrVerify() {
        Provider c7 = CATALOG.provider("context7").orElseThrow();
        assertTrue(c7.isFree());
        assertFalse(c7.acceptsKey("anything"));
        assertEquals(Optional.empty(), c7.verify());
        assertEquals(List.of("resolve_library", "get_docs"), c7.operations().stream().map(Operation::id).toList());
        assertTrue(c7.operations().stream().allMatch(Operation::isFree));
    }

    @Test
    void operationsOfTheSpecExist() {
        for (String tool : List.of("openai_chat_completion", "openai_embeddings", "anthropic_messages",
                "gemini_generate_content", "openrouter_chat_completion", "ollama_chat", "stripe_list_customers",
                "stripe_create_payment_link", "twilio_send_sms", "resend_send_email", "tavily_search", "exa_search",
                "firecrawl_scrape", "elevenlabs_text_to_speech", "browserbase_create_session",
                "context7_resolve_library", "context7_get_docs")) {
            Operation op = CATALOG.operationByToolName(tool).orElseThrow(() -> new AssertionError(tool));
            assertEquals(tool, op.toolName());
            assertEquals(Optional.of(op), CATALOG.operation(op.tool(), op.id()));
        }
        assertEquals(17, CATALOG.operations().size());
    }

    @Test
    void everyToolNameIsAValidFunctionName() {
        Pattern valid = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");
        for (Operation op : CATALOG.operations()) {
            assertTrue(valid.matcher(op.toolName()).matches(), op.toolName());
            assertEquals("object", op.inputSchema().get("type").asText(), op.toolName());
            assertFalse(op.description().isBlank(), op.toolName());
            assertTrue(op.timeout().compareTo(Duration.ofSeconds(29)) <= 0, op.toolName());
        }
    }

    @Test
    void unknownLookupsAreEmpty() {
        assertEquals(Optional.empty(), CATALOG.provider("nope"));
        assertEquals(Optional.empty(), CATALOG.provider(null));
        assertEquals(Optional.empty(), CATALOG.operation("openai", "nope"));
        assertEquals(Optional.empty(), CATALOG.operation("nope", "chat_completion"));
        assertEquals(Optional.empty(), CATALOG.operationByToolName("openai_nope"));
    }

    @Test
    void anthropicSendsItsApiVersionHeader() {
        assertEquals(Map.of("anthropic-version", "2023-06-01"), CATALOG.provider("anthropic").orElseThrow().headers());
    }

    @Test
    void verifyCallsAreCheapGets() {
        assertEquals("/v1/models", CATALOG.provider("openai").orElseThrow().verify().orElseThrow().path().template());
        for (Provider p : CATALOG.providers()) {
            p.verify().ifPresent(v -> assertEquals("GET", v.method(), p.id()));
        }
    }

    @Test
    void twilioTakesTheAccountSidFromTheSecret() {
        Operation sms = CATALOG.operation("twilio", "send_sms").orElseThrow();
        assertEquals(BodyEncoding.FORM, sms.body());
        assertEquals(List.of(new PathParam("AccountSid", PathParam.Source.SECRET_USER)), sms.path().params());
        assertEquals("/2010-04-01/Accounts/AC0123/Messages.json", sms.path().expand(Map.of("AccountSid", "AC0123")));
        Verify verify = CATALOG.provider("twilio").orElseThrow().verify().orElseThrow();
        assertEquals(PathParam.Source.SECRET_USER, verify.path().params().get(0).source());
    }

    @Test
    void geminiAndElevenlabsTakePathParametersFromTheInput() {
        Operation gemini = CATALOG.operation("gemini", "generate_content").orElseThrow();
        assertEquals(List.of("model"), gemini.path().inputParamNames());
        assertEquals("/v1beta/models/gemini-2.5-flash:generateContent",
                gemini.path().expand(Map.of("model", "gemini-2.5-flash")));
        Operation tts = CATALOG.operation("elevenlabs", "text_to_speech").orElseThrow();
        assertEquals(List.of("voice_id"), tts.path().inputParamNames());
        assertEquals(ResponseFormat.BINARY, tts.response());
        assertEquals(List.of("output_format"), tts.queryParams());
    }

    @Test
    void getOperationsHaveNoBody() {
        for (Operation op : CATALOG.operations()) {
            assertEquals(op.method().equals("GET"), op.body() == BodyEncoding.NONE, op.toolName());
        }
    }

    @Test
    void baseUrlOverrideComesFromTheEnvironment() {
        ProviderCatalog local = ProviderCatalog.load(Config.of(Map.of(
                "TOLLGATE_UPSTREAM_OPENAI_URL", "http://127.0.0.1:9999/openai/",
                "TOLLGATE_UPSTREAM_CONTEXT7_URL", "http://localhost:8080")));
        assertEquals(Optional.of("http://127.0.0.1:9999/openai"), local.provider("openai").orElseThrow().baseUrl());
        assertEquals(Optional.of("http://localhost:8080"), local.provider("context7").orElseThrow().baseUrl());
        assertEquals(Optional.of("https://api.anthropic.com"), local.provider("anthropic").orElseThrow().baseUrl());
        assertEquals("TOLLGATE_UPSTREAM_OPENAI_URL", Provider.baseUrlVariable("openai"));
    }

    @Test
    void blankOverrideIsIgnoredAndABadOneFailsNamingTheVariable() {
        ProviderCatalog blank = ProviderCatalog.load(Config.of(Map.of("TOLLGATE_UPSTREAM_TAVILY_URL", " ")));
        assertEquals(Optional.of("https://api.tavily.com"), blank.provider("tavily").orElseThrow().baseUrl());

        InvalidCatalogException e = assertThrows(InvalidCatalogException.class, () -> ProviderCatalog.load(
                Config.of(Map.of("TOLLGATE_UPSTREAM_TAVILY_URL", "ftp://example.com"))));
        assertTrue(e.getMessage().contains("TOLLGATE_UPSTREAM_TAVILY_URL"), e.getMessage());
    }

    @Test
    void inputSchemaAndDefaultsCannotBeChangedFromOutside() {
        Operation op = CATALOG.operation("openai", "chat_completion").orElseThrow();
        op.inputSchema().put("type", "string");
        op.inputDefaults().put("x", 1);
        assertEquals("object", op.inputSchema().get("type").asText());
        assertTrue(op.inputDefaults().isEmpty());
    }
}
