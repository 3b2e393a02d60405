package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.vault.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalog-driven adapter: every auth style, every body encoding, path and query parameters. */
class CatalogAdapterTest {
    private static final ProviderCatalog CATALOG = ProviderCatalog.load(Config.of(Map.of()));
    private final CatalogAdapter adapter = new CatalogAdapter();

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) Json.read(text);
    }

    private UpstreamRequest build(String tool, String op, String input, String secret) throws Exception {
        var provider = CATALOG.provider(tool).orElseThrow();
        var operation = provider.operation(op).orElseThrow();
        ObjectNode in = operation.withDefaults(json(input));
        Secret s = secret == null ? null : new Secret(secret.getBytes(StandardCharsets.UTF_8));
        return adapter.build(provider, operation, in, s);
    }

    @Test
    void bearerJson() throws Exception {
        UpstreamRequest r = build("openai", "chat_completion",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "sk-test-0123456789abcdefghij");
        assertEquals("POST", r.method());
        assertEquals("https://api.openai.com/v1/chat/completions", r.uri().toString());
        assertEquals("Bearer sk-test-0123456789abcdefghij", r.header("Authorization"));
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals("gpt-4o", Json.read(new String(r.body(), StandardCharsets.UTF_8)).path("model").asText());
        assertFalse(r.customerHost());
        assertFalse(r.toString().contains("sk-test"), "toString never shows the secret");
    }

    @Test
    void anIdempotencyKeyGoesOnlyToOperationsWhoseProviderDeduplicates() throws Exception {
        var stripe = CATALOG.provider("stripe").orElseThrow();
        ObjectNode link = json("{\"line_items\":[{\"price\":\"price_1\",\"quantity\":1}]}");
        Secret key = new Secret("sk_test_0123456789abcdefghij".getBytes(StandardCharsets.UTF_8));
        UpstreamRequest create = adapter.build(stripe, stripe.operation("create_payment_link").orElseThrow(), link, key,
                "tg_derived");
        assertEquals("tg_derived", create.header("Idempotency-Key"));
        assertNull(adapter.build(stripe, stripe.operation("create_payment_link").orElseThrow(), link, key)
                .header("Idempotency-Key"), "no customer key, nothing to forward");
        UpstreamRequest list = adapter.build(stripe, stripe.operation("list_customers").orElseThrow(), json("{}"), key,
                "tg_derived");
        assertNull(list.header("Idempotency-Key"), "a read has no idempotency header in the catalog");
        var twilio = CATALOG.provider("twilio").orElseThrow();
        UpstreamRequest sms = adapter.build(twilio, twilio.operation("send_sms").orElseThrow(),
                json("{\"To\":\"+15005550006\",\"From\":\"+15005550001\",\"Body\":\"hi\"}"),
                new Secret(("AC" + "0".repeat(32) + ":token").getBytes(StandardCharsets.UTF_8)), "tg_derived");
        assertNull(sms.header("Idempotency-Key"), "Twilio takes no idempotency key");
    }

    @Test
    void headerAuthWithStaticHeaders() throws Exception {
        UpstreamRequest r = build("anthropic", "messages",
                "{\"model\":\"claude-sonnet-4\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "sk-ant-api03-secret");
        assertEquals("sk-ant-api03-secret", r.header("x-api-key"));
        assertEquals("2023-06-01", r.header("anthropic-version"));
        assertNull(r.header("Authorization"));
    }

    @Test
    void pathParameterFromInputIsRemovedFromTheBody() throws Exception {
        UpstreamRequest r = build("gemini", "generate_content",
                "{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}", "AIzaSECRET");
        assertEquals("/v1beta/models/gemini-2.5-flash:generateContent", r.uri().getRawPath());
        assertEquals("AIzaSECRET", r.header("x-goog-api-key"));
        JsonNode body = Json.read(new String(r.body(), StandardCharsets.UTF_8));
        assertFalse(body.has("model"));
        assertTrue(body.has("contents"));
    }

    @Test
    void basicAuthFormBodyAndPathFromTheSecretsUserPart() throws Exception {
        String sid = "AC" + "0123456789abcdef".repeat(2);
        UpstreamRequest r = build("twilio", "send_sms",
                "{\"To\":\"+14155550123\",\"From\":\"+14155550100\",\"Body\":\"Hello & bye\",\"MediaUrl\":[\"https://a/1.png\",\"https://a/2.png\"]}",
                sid + ":tokentokentoken");
        assertEquals("/2010-04-01/Accounts/" + sid + "/Messages.json", r.uri().getRawPath());
        assertEquals("Basic " + Base64.getEncoder().encodeToString((sid + ":tokentokentoken").getBytes(StandardCharsets.UTF_8)),
                r.header("Authorization"));
        assertEquals("application/x-www-form-urlencoded", r.header("Content-Type"));
        assertEquals("To=%2B14155550123&From=%2B14155550100&Body=Hello%20%26%20bye&MediaUrl=https%3A%2F%2Fa%2F1.png"
                + "&MediaUrl=https%3A%2F%2Fa%2F2.png", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void nestedFormEncodingUsesBrackets() throws Exception {
        UpstreamRequest r = build("stripe", "create_payment_link",
                "{\"line_items\":[{\"price\":\"price_1\",\"quantity\":2}],\"metadata\":{\"order\":\"42\"},\"allow_promotion_codes\":true}",
                "sk_test_x");
        assertEquals("line_items%5B0%5D%5Bprice%5D=price_1&line_items%5B0%5D%5Bquantity%5D=2&metadata%5Border%5D=42"
                + "&allow_promotion_codes=true", new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void getOperationsSendTheInputAsQueryParameters() throws Exception {
        UpstreamRequest r = build("stripe", "list_customers", "{\"email\":\"a+b@example.com\",\"limit\":3}", "sk_test_x");
        assertEquals("GET", r.method());
        assertEquals("email=a%2Bb%40example.com&limit=3", r.uri().getRawQuery());
        assertNull(r.body());
        UpstreamRequest free = build("context7", "get_docs", "{\"libraryId\":\"/vercel/next.js\",\"query\":\"routing\"}", null);
        assertEquals("https://context7.com/api/v2/context?libraryId=%2Fvercel%2Fnext.js&query=routing&type=json",
                free.uri().toString());
        assertNull(free.header("Authorization"));
    }

    /** The number bomb: a query- or form-encoded input never writes an extreme exponent out digit by digit. */
    @Test
    void extremeNumbersAreEncodedInScientificNotation() throws Exception {
        var provider = CATALOG.provider("context7").orElseThrow();
        var operation = provider.operation("resolve_library").orElseThrow();
        ObjectNode input = json("{\"query\":\"react\"}");
        input.put("x", new java.math.BigDecimal("1e999999999")).put("y", new java.math.BigDecimal("1e3"));
        UpstreamRequest r = adapter.build(provider, operation, operation.withDefaults(input), null);
        assertTrue(r.uri().getRawQuery().contains("x=1E%2B999999999&y=1000"), r.uri().getRawQuery());
        java.util.List<Map.Entry<String, String>> pairs = new java.util.ArrayList<>();
        CatalogAdapter.encodeField("Price", new com.fasterxml.jackson.databind.node.DecimalNode(
                new java.math.BigDecimal("-1e-999999999")), true, pairs);
        assertEquals("-1E-999999999", pairs.get(0).getValue());
    }

    @Test
    void declaredQueryParametersLeaveTheJsonBody() throws Exception {
        UpstreamRequest r = build("elevenlabs", "text_to_speech",
                "{\"voice_id\":\"21m00Tcm4TlvDq8ikWAM\",\"text\":\"Hi\",\"output_format\":\"mp3_44100_128\"}", "xikey");
        assertEquals("/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM", r.uri().getRawPath());
        assertEquals("output_format=mp3_44100_128", r.uri().getRawQuery());
        assertEquals("{\"text\":\"Hi\"}", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("*/*", r.header("Accept"));
    }

    @Test
    void queryAuthAddsTheKeyToTheQueryString() throws Exception {
        String catalog = """
                {"providers": [{"id": "serp", "name": "Serp", "base_url": "https://serp.example", "auth": "query:api_key",
                  "key_pattern": "^[a-z0-9]{8,}$", "key_format": "letters", "byok": true, "platform_key": true,
                  "verify": null, "operations": [{"id": "search", "description": "Search", "method": "GET",
                  "path": "/search", "body": "none", "response": "json",
                  "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
                  "pricing": {"type": "per_call", "credits": "1"}}]}]}""";
        var c = ProviderCatalog.fromJson(catalog, Config.of(Map.of()));
        var p = c.provider("serp").orElseThrow();
        UpstreamRequest r = adapter.build(p, p.operation("search").orElseThrow(), json("{\"q\":\"tolls\"}"),
                new Secret("abcdefgh12".getBytes(StandardCharsets.UTF_8)));
        assertEquals("q=tolls&api_key=abcdefgh12", r.uri().getRawQuery());
        assertFalse(r.toString().contains("abcdefgh12"));
    }

    @Test
    void theOllamaBaseUrlIsTheSecretAndGoesThroughTheGuardedPool() throws Exception {
        UpstreamRequest r = build("ollama", "chat",
                "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "http://gpu.example:11434/");
        assertEquals("http://gpu.example:11434/api/chat", r.uri().toString());
        assertTrue(r.customerHost());
        assertEquals(false, Json.read(new String(r.body(), StandardCharsets.UTF_8)).path("stream").booleanValue());
        for (String bad : new String[] {"ftp://gpu.example", "http://user:pw@gpu.example", "http://gpu.example/x",
                "http://gpu.example?x=1", "file:///etc/passwd", "gopher://gpu.example:70"}) {
            TollgateException e = assertThrows(TollgateException.class, () -> build("ollama", "chat",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", bad), bad);
            assertEquals(ErrorCode.UPSTREAM_ADDRESS_FORBIDDEN, e.code());
        }
    }

    @Test
    void binaryResultsAreBase64WithTheirContentType() {
        var op = CATALOG.operation("elevenlabs", "text_to_speech").orElseThrow();
        JsonNode result = adapter.result(op, new UpstreamResponse(200, Map.of("content-type", "audio/mpeg"),
                new byte[] {1, 2, 3}, 1));
        assertEquals("audio/mpeg", result.path("content_type").asText());
        assertEquals("AQID", result.path("data_base64").asText());
    }

    @Test
    void verifyCallsAreAuthenticatedLikeTheProvidersOperations() {
        var twilio = CATALOG.provider("twilio").orElseThrow();
        String sid = "AC" + "0123456789abcdef".repeat(2);
        UpstreamRequest basic = adapter.buildVerify(twilio, twilio.verify().orElseThrow(),
                new Secret((sid + ":tok").getBytes(StandardCharsets.UTF_8)));
        assertEquals("GET", basic.method());
        assertEquals("https://api.twilio.com/2010-04-01/Accounts/" + sid + ".json", basic.uri().toString());
        assertEquals("Basic " + Base64.getEncoder().encodeToString((sid + ":tok").getBytes(StandardCharsets.UTF_8)),
                basic.header("Authorization"));
        assertNull(basic.body());
        assertEquals(CatalogAdapter.VERIFY_TIMEOUT, basic.timeout());

        var gemini = CATALOG.provider("gemini").orElseThrow();
        UpstreamRequest header = adapter.buildVerify(gemini, gemini.verify().orElseThrow(),
                new Secret("AIzaKEY".getBytes(StandardCharsets.UTF_8)));
        assertEquals("AIzaKEY", header.header("x-goog-api-key"));
        assertFalse(header.customerHost());

        var ollama = CATALOG.provider("ollama").orElseThrow();
        UpstreamRequest customer = adapter.buildVerify(ollama, ollama.verify().orElseThrow(),
                new Secret("http://0x7f000001:11434/".getBytes(StandardCharsets.UTF_8)));
        assertEquals("http://0x7f000001:11434/api/tags", customer.uri().toString());
        assertTrue(customer.customerHost(), "a customer base URL goes through the guarded pool");
        TollgateException withUser = assertThrows(TollgateException.class, () -> adapter.buildVerify(ollama,
                ollama.verify().orElseThrow(), new Secret("http://user@ollama.example".getBytes(StandardCharsets.UTF_8))));
        assertEquals(ErrorCode.UPSTREAM_ADDRESS_FORBIDDEN, withUser.code());
    }
}
