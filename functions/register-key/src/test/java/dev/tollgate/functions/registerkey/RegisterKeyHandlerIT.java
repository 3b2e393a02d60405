package dev.tollgate.functions.registerkey;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.audit.AuditChain;
import dev.tollgate.audit.AuditEntry;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.log.Log;
import dev.tollgate.testing.SecretLeaks;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RegisterKey Lambda handler driven by the events under events/register-key/, with DynamoDB Local, the local
 * keyring and WireMock standing in for the providers' verify endpoints.
 */
class RegisterKeyHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENT_OPENAI_KEY = "sk-proj-PLACEHOLDERKEYPLACEHOLDERKEY0000";
    private static final String EVENT_STRIPE_KEY = "sk_test_PLACEHOLDERKEYPLACEHOLDER0000";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static WireMockServer upstream;
    private static Services services;
    private static RegisterKeyHandler handler;

    @BeforeAll
    static void wire() {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        String base = "http://127.0.0.1:" + upstream.port();
        Map<String, String> env = new HashMap<>(DYNAMO.environment());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", DYNAMO.dynamo().endpoint().toString());
        env.put("TOLLGATE_BALANCE_SHARDS", "1");
        env.put("TOLLGATE_KMS_MODE", "local");
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        env.put("TOLLGATE_MASTER_KEY", Base64.getEncoder().encodeToString(master));
        for (String provider : List.of("OPENAI", "STRIPE", "TWILIO", "GEMINI")) {
            env.put("TOLLGATE_UPSTREAM_" + provider + "_URL", base);
        }
        services = Services.create(Config.of(env));
        handler = new RegisterKeyHandler(services);
    }

    @AfterAll
    static void stop() {
        upstream.stop();
    }

    record Caller(Account account, String token) {
    }

    private static Caller newCaller(Plan plan) {
        Account account = services.accountService().create(Account.Type.PERSONAL, plan, "t", "test");
        return new Caller(account, services.accountService().issueApiKey(account.id(), "k", "test").token());
    }

    private static String randomTail(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    record Reply(int status, JsonNode body, String raw) {
    }

    private static Reply send(APIGatewayV2HTTPEvent event) throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        String raw = response.getBody() == null ? "" : response.getBody();
        return new Reply(response.getStatusCode(), raw.isBlank() ? null : JSON.readTree(raw), raw);
    }

    private static APIGatewayV2HTTPEvent event(String name, Caller caller, Map<String, String> more) {
        Map<String, String> placeholders = new HashMap<>(more);
        placeholders.put("tg_test_PLACEHOLDER", caller.token());
        return ApiEvents.fromRepo("register-key/" + name + ".json", placeholders);
    }

    private static Reply register(Caller caller, String provider, String key) throws Exception {
        var body = JSON.createObjectNode().put("provider", provider).put("api_key", key);
        return send(ApiEvents.withJsonBody(event("register", caller, Map.of()), body));
    }

    private static void assertError(Reply reply, int status, String code) {
        assertEquals(status, reply.status(), reply.raw());
        assertEquals(code, reply.body().path("error").path("code").asText(), reply.raw());
        assertTrue(reply.body().path("error").path("request_id").asText().startsWith("req_"));
    }

    @Test
    void registerListShowReplaceAndDeleteWithTheSpecShapes() throws Exception {
        Caller caller = newCaller(Plan.PRO);
        String key = "sk-proj-" + randomTail(40) + "4f2a";
        Reply created = send(event("register", caller, Map.of(EVENT_OPENAI_KEY, key)));
        assertEquals(201, created.status(), created.raw());
        JsonNode body = created.body();
        assertEquals(List.of("id", "provider", "status", "display_name", "hint", "created_at", "replaced"),
                fieldNames(body));
        String id = body.path("id").asText();
        assertTrue(id.startsWith("byok_"));
        assertEquals("openai", body.path("provider").asText());
        assertEquals("active", body.path("status").asText());
        assertEquals("laptop", body.path("display_name").asText());
        assertEquals("\u20264f2a", body.path("hint").asText());
        assertTrue(body.path("replaced").isNull());

        Reply again = register(caller, "openai", "sk-" + randomTail(30));
        assertEquals(201, again.status(), again.raw());
        assertEquals(id, again.body().path("replaced").asText(), "the response names the key it replaced");
        String newId = again.body().path("id").asText();

        Reply list = send(event("list", caller, Map.of()));
        assertEquals(200, list.status());
        assertEquals(1, list.body().path("data").size());
        assertEquals(newId, list.body().path("data").get(0).path("id").asText());
        assertTrue(list.body().path("next_cursor").isNull());

        assertError(send(event("get", caller, Map.of("byok_PLACEHOLDER", id))), 404, "not_found");
        Reply shown = send(event("get", caller, Map.of("byok_PLACEHOLDER", newId)));
        assertEquals(200, shown.status());
        assertEquals("openai", shown.body().path("provider").asText());

        Caller stranger = newCaller(Plan.PRO);
        assertError(send(event("get", stranger, Map.of("byok_PLACEHOLDER", newId))), 404, "not_found");
        assertError(send(event("delete", stranger, Map.of("byok_PLACEHOLDER", newId))), 404, "not_found");
        assertError(send(event("verify", stranger, Map.of("byok_PLACEHOLDER", newId))), 404, "not_found");

        Reply deleted = send(event("delete", caller, Map.of("byok_PLACEHOLDER", newId)));
        assertEquals(204, deleted.status());
        assertEquals("", deleted.raw());
        assertError(send(event("delete", caller, Map.of("byok_PLACEHOLDER", newId))), 404, "not_found");
        assertEquals(0, send(event("list", caller, Map.of())).body().path("data").size());

        List<AuditEntry> audit = services.auditLog().entries(caller.account().id(), null, 100).items();
        assertEquals(List.of("byok.deleted", "byok.replaced", "byok.registered", "api_key.created", "account.created"),
                audit.stream().map(AuditEntry::action).toList());
        assertTrue(AuditChain.verify(audit).isEmpty());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void everyBadRegistrationGetsItsOwnClearErrorAndNothingIsStored() throws Exception {
        Caller caller = newCaller(Plan.PRO);
        assertError(register(caller, "nope", "sk-" + randomTail(30)), 400, "unknown_provider");
        assertError(register(caller, "context7", "anything-at-all-1234"), 400, "provider_not_byok");
        assertError(register(caller, "openai", ""), 400, "validation_failed");
        assertError(send(ApiEvents.withJsonBody(event("register", caller, Map.of()),
                JSON.createObjectNode().put("provider", "openai"))), 400, "validation_failed");
        assertError(register(caller, "openai", "sk-" + "a".repeat(5000)), 400, "validation_failed");
        assertError(send(ApiEvents.withHeader(event("register", caller, Map.of()), "content-type", "text/plain")),
                415, "unsupported_media_type");
        assertError(send(ApiEvents.withBody(event("register", caller, Map.of()), "{\"provider\": ")), 400, "invalid_json");

        Caller free = newCaller(Plan.FREE);
        Reply plan = register(free, "openai", "sk-" + randomTail(30));
        assertError(plan, 403, "plan_required");
        assertEquals("BYOK requires the Pro plan or higher", plan.body().path("error").path("message").asText());
        assertEquals(0, services.keyRegistry().list(caller.account().id(), null, 100).items().size());
        assertEquals(0, services.keyRegistry().list(free.account().id(), null, 100).items().size());
    }

    @Test
    void aWrongFormatStatesTheExpectedFormatForEveryProviderAndNeverEchoesTheValue() throws Exception {
        Caller caller = newCaller(Plan.PRO);
        String wrong = "WRONG#" + randomTail(30);
        for (var provider : services.catalog().byokProviders()) {
            Reply reply = register(caller, provider.id(), wrong);
            assertError(reply, 400, "invalid_key_format");
            String message = reply.body().path("error").path("message").asText();
            assertTrue(message.contains(provider.keyFormat().orElseThrow()), message);
            assertFalse(reply.raw().contains(wrong), "the submitted value is not echoed");
        }
        // The right formats pass (Anthropic, Gemini, OpenRouter, Ollama, Twilio, Resend, Exa, ElevenLabs, ...).
        Map<String, String> good = Map.ofEntries(
                Map.entry("anthropic", "sk-ant-api03-" + randomTail(40)),
                Map.entry("gemini", "AIza" + randomTail(35)),
                Map.entry("openrouter", "sk-or-v1-" + "0123456789abcdef".repeat(4)),
                Map.entry("ollama", "http://127.0.0.1:11434"),
                Map.entry("stripe", "rk_live_" + randomTail(30)),
                Map.entry("twilio", "AC" + "0123456789abcdef".repeat(2) + ":" + randomTail(32)),
                Map.entry("resend", "re_" + randomTail(30)),
                Map.entry("tavily", "tvly-" + randomTail(30)),
                Map.entry("exa", "123e4567-e89b-12d3-a456-426614174000"),
                Map.entry("firecrawl", "fc-" + randomTail(30)),
                Map.entry("elevenlabs", "sk_" + randomTail(40)),
                Map.entry("browserbase", "bb_live_" + randomTail(30)));
        for (var entry : good.entrySet()) {
            Reply reply = register(caller, entry.getKey(), entry.getValue());
            assertEquals(201, reply.status(), entry.getKey() + ": " + reply.raw());
            assertTrue(reply.body().path("hint").asText().length() <= 5, reply.raw());
        }
        assertEquals(good.size(), services.keyRegistry().list(caller.account().id(), null, 100).items().size());
    }

    @Test
    void verifyMarksTheKeyActiveOn200AndRejectedOn401() throws Exception {
        Caller caller = newCaller(Plan.PRO);
        String goodKey = "sk-" + randomTail(30);
        upstream.stubFor(get(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + goodKey))
                .willReturn(aResponse().withStatus(200).withBody("{\"data\": []}")));
        String id = register(caller, "openai", goodKey).body().path("id").asText();
        Reply ok = send(event("verify", caller, Map.of("byok_PLACEHOLDER", id)));
        assertEquals(200, ok.status(), ok.raw());
        assertEquals("active", ok.body().path("status").asText());
        assertEquals(200, ok.body().path("provider_status").asInt());
        assertTrue(ok.body().path("checked_at").asText().endsWith("Z"));
        assertTrue(ok.body().path("verified").asBoolean());

        String badKey = "sk-" + randomTail(30);
        upstream.stubFor(get(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + badKey))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\": {\"message\": \"Incorrect API key\"}}")));
        String badId = register(caller, "openai", badKey).body().path("id").asText();
        Reply rejected = send(event("verify", caller, Map.of("byok_PLACEHOLDER", badId)));
        assertEquals(200, rejected.status(), rejected.raw());
        assertEquals("rejected", rejected.body().path("status").asText());
        assertEquals(401, rejected.body().path("provider_status").asInt());
        assertEquals("rejected", send(event("get", caller, Map.of("byok_PLACEHOLDER", badId))).body().path("status").asText());
        assertEquals("rejected", services.keyVault().activeKey(caller.account().id(), "openai").orElseThrow().status().wire());

        // Twilio: basic auth with sid:token, the AccountSid in the path.
        String sid = "AC" + "0123456789abcdef".repeat(2);
        String token = randomTail(32);
        String basic = "Basic " + Base64.getEncoder().encodeToString((sid + ":" + token).getBytes(StandardCharsets.UTF_8));
        upstream.stubFor(get(urlEqualTo("/2010-04-01/Accounts/" + sid + ".json")).withHeader("Authorization", equalTo(basic))
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        String twilioId = register(caller, "twilio", sid + ":" + token).body().path("id").asText();
        assertEquals("active", send(event("verify", caller, Map.of("byok_PLACEHOLDER", twilioId))).body().path("status").asText());

        // Gemini: the key goes in the x-goog-api-key header.
        String gemini = "AIza" + randomTail(35);
        upstream.stubFor(get(urlEqualTo("/v1beta/models")).withHeader("x-goog-api-key", equalTo(gemini))
                .willReturn(aResponse().withStatus(403)));
        String geminiId = register(caller, "gemini", gemini).body().path("id").asText();
        assertEquals("rejected", send(event("verify", caller, Map.of("byok_PLACEHOLDER", geminiId))).body().path("status").asText());

        // Exa has no free verify call: a clear answer, status unchanged.
        String exaId = register(caller, "exa", "123e4567-e89b-12d3-a456-426614174000").body().path("id").asText();
        Reply exa = send(event("verify", caller, Map.of("byok_PLACEHOLDER", exaId)));
        assertEquals(200, exa.status());
        assertEquals("active", exa.body().path("status").asText());
        assertFalse(exa.body().path("verified").asBoolean());
        assertTrue(exa.body().path("message").asText().contains("no free verification call"));

        // A redirect is never followed.
        String redirected = "sk-" + randomTail(30);
        upstream.stubFor(get(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + redirected))
                .willReturn(aResponse().withStatus(302).withHeader("Location", "http://127.0.0.1:1/steal")));
        String redirectedId = register(caller, "openai", redirected).body().path("id").asText();
        assertError(send(event("verify", caller, Map.of("byok_PLACEHOLDER", redirectedId))), 502, "upstream_redirect");
    }

    @Test
    void verifyOfAnOllamaUrlOnLoopbackIsRefusedInEverySpellingWithoutACall() throws Exception {
        // Deployed configuration: private upstreams are not allowed. WireMock listens on 127.0.0.1.
        Caller caller = newCaller(Plan.PRO);
        int port = upstream.port();
        upstream.stubFor(get(urlEqualTo("/api/tags")).willReturn(aResponse().withStatus(200).withBody("{}")));
        for (String host : List.of("127.0.0.1", "localhost", "0x7f000001", "2130706433", "0177.0.0.1", "127.1",
                "[::ffff:7f00:1]", "[::1]")) {
            String url = "http://" + host + ":" + port;
            Reply registered = register(caller, "ollama", url);
            assertEquals(201, registered.status(), url + ": " + registered.raw());
            Reply verified = send(event("verify", caller, Map.of("byok_PLACEHOLDER", registered.body().path("id").asText())));
            assertError(verified, 400, "upstream_address_forbidden");
            assertFalse(verified.raw().contains(host + ":" + port), "the error does not echo the URL: " + verified.raw());
            var refusedFirst = ApiEvents.withJsonBody(event("register-and-verify", caller, Map.of()),
                    JSON.createObjectNode().put("provider", "ollama").put("api_key", url));
            assertError(send(refusedFirst), 400, "upstream_address_forbidden");
        }
        upstream.verify(0, getRequestedFor(urlEqualTo("/api/tags")));
    }

    @Test
    void registerWithVerifyRefusesARejectedKeyAndStoresAnAcceptedOne() throws Exception {
        Caller caller = newCaller(Plan.PRO);
        String bad = "sk_test_" + randomTail(30);
        upstream.stubFor(get(urlEqualTo("/v1/balance")).withHeader("Authorization", equalTo("Bearer " + bad))
                .willReturn(aResponse().withStatus(401)));
        Reply refused = send(event("register-and-verify", caller, Map.of(EVENT_STRIPE_KEY, bad)));
        assertError(refused, 424, "byok_key_rejected");
        assertEquals(401, refused.body().path("error").path("provider_status").asInt());
        assertEquals(0, services.keyRegistry().list(caller.account().id(), null, 100).items().size());

        String good = "sk_test_" + randomTail(30);
        upstream.stubFor(get(urlEqualTo("/v1/balance")).withHeader("Authorization", equalTo("Bearer " + good))
                .willReturn(aResponse().withStatus(200).withBody("{}")));
        Reply stored = send(event("register-and-verify", caller, Map.of(EVENT_STRIPE_KEY, good)));
        assertEquals(201, stored.status(), stored.raw());
        assertEquals("active", stored.body().path("status").asText());
        assertNull(stored.body().path("replaced").textValue());
        upstream.verify(2, getRequestedFor(urlEqualTo("/v1/balance")));
    }

    @Test
    void aCanaryKeyAppearsInNoTableItemLogLineOrResponse() throws Exception {
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        Log.setOutput(new PrintStream(logs, true, StandardCharsets.UTF_8));
        List<String> responses = new ArrayList<>();
        String canary = "sk-proj-CANARY" + randomTail(32);
        try {
            Caller caller = newCaller(Plan.PRO);
            upstream.stubFor(get(urlEqualTo("/v1/models")).withHeader("Authorization", equalTo("Bearer " + canary))
                    .willReturn(aResponse().withStatus(401).withBody("{\"error\": \"bad key " + canary + "\"}")));
            Reply created = send(event("register", caller, Map.of(EVENT_OPENAI_KEY, canary)));
            responses.add(created.raw());
            String id = created.body().path("id").asText();
            responses.add(send(event("list", caller, Map.of())).raw());
            responses.add(send(event("get", caller, Map.of("byok_PLACEHOLDER", id))).raw());
            responses.add(send(event("verify", caller, Map.of("byok_PLACEHOLDER", id))).raw());
            responses.add(send(event("register-and-verify", caller, Map.of(EVENT_STRIPE_KEY, canary))).raw());
            responses.add(register(caller, "anthropic", canary).raw());
            responses.add(register(caller, "openai", canary + "\u0000").raw());
            String scannedWhileStored = scanEveryTable();
            responses.add(send(event("delete", caller, Map.of("byok_PLACEHOLDER", id))).raw());
            String scannedAfterDelete = scanEveryTable();

            assertTrue(scannedWhileStored.contains(id), "the scan sees the stored record");
            assertFalse(scannedWhileStored.contains(canary), "no DynamoDB item holds the key");
            assertFalse(scannedAfterDelete.contains(canary));
            assertFalse(scannedAfterDelete.contains(id + "\"ciphertext"), "the record is purged");
            for (String response : responses) {
                assertFalse(response.contains(canary), response);
                assertFalse(response.contains(canary.substring(8, 30)), response);
            }
        } finally {
            Log.setOutput(previous);
        }
        String logText = logs.toString(StandardCharsets.UTF_8);
        assertTrue(logText.contains("byok stored"), "logs were captured");
        assertFalse(logText.contains(canary), logText);
        assertFalse(logText.contains(canary.substring(8, 30)), logText);
    }

    /** Every attribute of every item of every table as text (binaries decoded). */
    private static String scanEveryTable() {
        return SecretLeaks.tables(services.dynamo(), services.tables(), new int[1]);
    }
}
