package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.testkit.RepoRoot;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/WALKTHROUGH.md (seed 001) step by step over HTTP against {@code ./tollgate local --mock-upstreams}: register
 * an OpenAI key → execute → {@code billing.mode = "byok"}; delete it → execute → {@code credits}; the balance drops
 * by exactly the charged amount; a key the provider refuses is a 424 and never falls back to credits.
 */
class WalkthroughIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String CHAT = "{\"tool\":\"openai\",\"operation\":\"chat_completion\",\"input\":"
            + "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}}";

    private static MockUpstreams mocks;
    private static LocalTollgate tollgate;
    private static String base;
    private static String apiKey;

    @BeforeAll
    static void start() {
        mocks = MockUpstreams.start(ProviderCatalog.load(Config.of(Map.of())));
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(mocks.environment()));
        apiKey = tollgate.seedDemo().apiKey();
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
        Map<String, Integer> registered = mocks.registerPlatformKeys(tollgate.baseUrl(), tollgate.adminToken());
        assertTrue(registered.values().stream().allMatch(s -> s == 200), registered.toString());
    }

    @AfterAll
    static void stop() {
        tollgate.close();
        mocks.close();
    }

    record Reply(int status, JsonNode body) {
    }

    private static Reply call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + apiKey)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body().isBlank() ? null : JSON.readTree(response.body()));
    }

    private static BigDecimal balance() throws Exception {
        return call("GET", "/api/v1/key", null).body().path("credits_remaining").decimalValue();
    }

    @Test
    void byokThenCreditsThenARejectedKey() throws Exception {
        BigDecimal start = balance();

        Reply registered = call("POST", "/api/v1/byok",
                "{\"provider\":\"openai\",\"api_key\":\"" + MockUpstreams.FAKE_KEYS.get("openai") + "\"}");
        assertEquals(201, registered.status(), String.valueOf(registered.body()));
        String byokId = registered.body().path("id").asText();

        Reply byok = call("POST", "/api/v1/execute", CHAT);
        assertEquals(200, byok.status(), String.valueOf(byok.body()));
        assertEquals("byok", byok.body().path("billing").path("mode").asText());
        assertEquals(0, byok.body().path("billing").path("credits_charged").decimalValue().signum());
        assertEquals(byokId, byok.body().path("billing").path("byok_key_id").asText());
        assertEquals(11, byok.body().path("billing").path("usage").path("input_tokens").asInt());
        assertTrue(byok.body().path("result").path("choices").path(0).path("message").path("content").asText()
                .startsWith("Hello from the mock openai"));
        assertEquals(0, start.compareTo(balance()), "BYOK costs 0 credits");

        assertEquals(204, call("DELETE", "/api/v1/byok/" + byokId, null).status());

        Reply credits = call("POST", "/api/v1/execute", CHAT);
        assertEquals(200, credits.status(), String.valueOf(credits.body()));
        JsonNode billing = credits.body().path("billing");
        assertEquals("credits", billing.path("mode").asText());
        BigDecimal charged = billing.path("credits_charged").decimalValue();
        assertEquals(0, new BigDecimal("0.16").compareTo(charged), "the amount docs/WALKTHROUGH.md shows");
        assertEquals(0, start.subtract(charged).compareTo(balance()), "the balance drops by exactly the charge");
        assertEquals(0, start.subtract(charged).compareTo(billing.path("credits_remaining").decimalValue()));

        JsonNode ledger = call("GET", "/api/v1/ledger?limit=2", null).body().path("data");
        assertEquals("capture", ledger.path(0).path("type").asText());
        assertEquals(0, charged.compareTo(ledger.path(0).path("amount").decimalValue()));
        JsonNode usage = call("GET", "/api/v1/usage?group_by=mode", null).body();
        assertEquals(2, usage.path("totals").path("calls").asInt());

        Reply bad = call("POST", "/api/v1/byok", "{\"provider\":\"openai\",\"api_key\":\"sk-invalidINVALIDinvalid0000\"}");
        assertEquals(201, bad.status(), String.valueOf(bad.body()));
        BigDecimal before = balance();
        Reply rejected = call("POST", "/api/v1/execute", CHAT);
        assertEquals(424, rejected.status(), String.valueOf(rejected.body()));
        assertEquals("byok_key_rejected", rejected.body().path("error").path("code").asText());
        assertEquals(401, rejected.body().path("error").path("provider_status").asInt());
        assertEquals(0, before.compareTo(balance()), "no fallback to credits");
        assertEquals("rejected", call("GET", "/api/v1/byok/" + bad.body().path("id").asText(), null)
                .body().path("status").asText());
    }
}
