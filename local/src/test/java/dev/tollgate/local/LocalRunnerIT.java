package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testkit.RepoRoot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The quick start as a new user runs it: the whole product in one process over real HTTP, the seeded demo account,
 * the operator CLI, and the error envelope on bad input.
 */
class LocalRunnerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Map<String, String> PLATFORM_KEYS = Map.of(
            "TOLLGATE_PLATFORM_KEY_TAVILY", "tvly-platform" + "0".repeat(20),
            "TOLLGATE_PLATFORM_KEY_RESEND", "re_platform" + "0".repeat(20),
            "TOLLGATE_PLATFORM_KEY_FIRECRAWL", "fc-platform" + "0".repeat(20),
            "TOLLGATE_PLATFORM_KEY_EXA", "123e4567-e89b-12d3-a456-426614174000",
            "TOLLGATE_PLATFORM_KEY_BROWSERBASE", "bb_live_platform" + "0".repeat(20),
            "TOLLGATE_PLATFORM_KEY_OPENAI", "sk-platform" + "0".repeat(20),
            "TOLLGATE_PLATFORM_KEY_STRIPE", "sk_test_platform" + "0".repeat(20),
            "TOLLGATE_PLATFORM_KEY_TWILIO", "AC" + "0".repeat(32) + ":" + "1".repeat(32));

    private static LocalTollgate tollgate;
    private static LocalTollgate.Demo demo;
    private static String base;

    @BeforeAll
    static void start() {
        // Platform keys for the credits providers, as an operator would set them with TOLLGATE_PLATFORM_KEY_<ID>;
        // the master key is given so the test writes no .tollgate/master.key.
        byte[] master = new byte[32];
        new java.security.SecureRandom().nextBytes(master);
        Map<String, String> env = new HashMap<>(PLATFORM_KEYS);
        env.put("TOLLGATE_MASTER_KEY", java.util.Base64.getEncoder().encodeToString(master));
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(env));
        demo = tollgate.seedDemo();
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void stop() {
        tollgate.close();
    }

    record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private static Reply call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = response.body().isBlank() ? null : JSON.readTree(response.body());
        return new Reply(response.statusCode(), json, response);
    }

    record CliRun(int code, String out, String err) {
    }

    private static CliRun cliRun(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--endpoint", base, "--admin-token", tollgate.adminToken(), "--json"));
        all.addAll(List.of(args));
        int code = new AdminCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(all.toArray(String[]::new));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode cli(String... args) {
        CliRun run = cliRun(args);
        String text = run.out();
        assertEquals(0, run.code(), "CLI failed: " + text + run.err());
        try {
            return text.isBlank() ? null : JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(text, e);
        }
    }

    private static void assertError(Reply reply, int status, String code) {
        assertEquals(status, reply.status(), String.valueOf(reply.body()));
        assertEquals(code, reply.body().path("error").path("code").asText(), String.valueOf(reply.body()));
        assertTrue(reply.body().path("error").path("message").asText().length() > 10);
        assertTrue(reply.body().path("error").path("request_id").asText().startsWith("req_"));
    }

    @Test
    void theDemoKeySeesOneHundredCreditsOnAProAccount() throws Exception {
        Reply reply = call("GET", "/api/v1/key", demo.apiKey(), null);
        assertEquals(200, reply.status());
        assertEquals(demo.accountId(), reply.body().path("account_id").asText());
        assertEquals("pro", reply.body().path("plan").asText());
        assertEquals("100", reply.body().path("credits_remaining").asText());
        assertEquals(0, reply.body().path("credits_held").asInt());
        assertTrue(reply.body().path("key_id").asText().startsWith("key_"));
        assertTrue(reply.body().path("byok_providers").isArray());
        List<String> credit = new ArrayList<>();
        reply.body().path("credit_providers").forEach(p -> credit.add(p.asText()));
        assertTrue(credit.containsAll(List.of("tavily", "resend", "firecrawl", "exa", "browserbase")), credit.toString());
        assertTrue(!credit.contains("context7") && !credit.contains("ollama"), credit.toString());
    }

    @Test
    void anAccountCreatedAndToppedUpWithTheCliShowsItsBalanceAndARevokedKeyStopsWorking() throws Exception {
        JsonNode account = cli("accounts", "create", "--plan", "pro", "--name", "Ada");
        String accountId = account.path("account_id").asText();
        assertTrue(accountId.startsWith("acct_"));
        JsonNode key = cli("api-keys", "issue", accountId, "--name", "laptop");
        String token = key.path("api_key").asText();
        assertTrue(token.startsWith("tg_test_"));

        JsonNode first = cli("topup", accountId, "25.5", "--reference", "inv_123");
        JsonNode again = cli("topup", accountId, "25.5", "--reference", "inv_123");
        assertEquals(first.path("ledger_entry_id").asText(), again.path("ledger_entry_id").asText());
        assertTrue(again.path("replayed").asBoolean());

        Reply info = call("GET", "/api/v1/key", token, null);
        assertEquals(200, info.status());
        assertEquals("25.5", info.body().path("credits_remaining").asText());
        assertEquals("25.5", cli("accounts", "get", accountId).path("credits_remaining").asText());

        cli("api-keys", "revoke", key.path("key_id").asText());
        Reply revoked = call("GET", "/api/v1/key", token, null);
        assertError(revoked, 401, "unauthorized");
        assertTrue(revoked.raw().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    }

    @Test
    void badInputGetsTheErrorEnvelopeOnEveryKindOfRoute() throws Exception {
        String admin = tollgate.adminToken();
        assertError(call("GET", "/api/v1/key", null, null), 401, "unauthorized");
        assertError(call("GET", "/api/v1/key", "tg_test_nope", null), 401, "unauthorized");
        assertError(call("GET", "/api/v1/nothing-here", demo.apiKey(), null), 404, "not_found");
        assertError(call("DELETE", "/api/v1/key", demo.apiKey(), null), 405, "method_not_allowed");
        // Unsigned admin calls never reach the function: API Gateway's IAM authorizer answers 403 itself.
        assertEquals(403, call("POST", "/admin/v1/accounts", null, "{}").status());
        assertEquals(403, call("POST", "/admin/v1/accounts", demo.apiKey(), "{}").status());
        assertError(call("POST", "/admin/v1/accounts", admin, "{\"plan\": "), 400, "invalid_json");
        assertError(call("POST", "/admin/v1/accounts", admin, "{\"plan\": \"platinum\"}"), 400, "validation_failed");
        assertError(call("POST", "/admin/v1/accounts", admin, "{\"name\": \"" + "x".repeat(1024 * 1024) + "\"}"), 413, "payload_too_large");
        assertError(call("GET", "/admin/v1/accounts/acct_doesnotexist", admin, null), 404, "not_found");
        assertError(call("POST", "/admin/v1/accounts/" + demo.accountId() + "/topups", admin, "{\"credits\": 1.0000001, \"reference\": \"r\"}"), 400, "validation_failed");
        assertError(call("POST", "/admin/v1/accounts/" + demo.accountId() + "/topups", admin, "{\"credits\": -5, \"reference\": \"r\"}"), 400, "validation_failed");
        assertError(call("POST", "/admin/v1/accounts/" + demo.accountId() + "/topups", admin, "{\"credits\": 5}"), 400, "validation_failed");
        assertError(call("POST", "/admin/v1/accounts/" + demo.accountId() + "/adjustments", admin, "{\"credits\": -500, \"reason\": \"too much\"}"), 402, "insufficient_credits");
        assertError(call("DELETE", "/admin/v1/api-keys/key_unknown", admin, null), 404, "not_found");
        // Nothing above moved money.
        assertEquals("100", call("GET", "/api/v1/key", demo.apiKey(), null).body().path("credits_remaining").asText());
    }

    @Test
    void theSeedFlowRegistersByokKeysThatLeaveTheCreditListAndADeletedOneComesBack() throws Exception {
        String accountId = cli("accounts", "create", "--plan", "pro", "--name", "Grace").path("account_id").asText();
        String token = cli("api-keys", "issue", accountId).path("api_key").asText();
        Map<String, String> keys = Map.of(
                "openai", "sk-proj-" + "a1".repeat(20),
                "stripe", "sk_test_" + "b2".repeat(15),
                "twilio", "AC" + "0123456789abcdef".repeat(2) + ":" + "c3".repeat(16));
        Map<String, String> ids = new HashMap<>();
        for (var entry : keys.entrySet()) {
            Reply created = call("POST", "/api/v1/byok", token,
                    JSON.createObjectNode().put("provider", entry.getKey()).put("api_key", entry.getValue()).toString());
            assertEquals(201, created.status(), String.valueOf(created.body()));
            assertFalse(created.raw().body().contains(entry.getValue()));
            ids.put(entry.getKey(), created.body().path("id").asText());
        }
        JsonNode info = call("GET", "/api/v1/key", token, null).body();
        List<String> byok = new ArrayList<>();
        info.path("byok_providers").forEach(p -> {
            byok.add(p.path("provider").asText());
            assertEquals("active", p.path("status").asText());
            assertTrue(p.path("registered").asText().matches("\\d{4}-\\d{2}-\\d{2}"), p.toString());
            assertTrue(p.path("id").asText().startsWith("byok_"));
        });
        assertEquals(List.of("openai", "stripe", "twilio"), byok);
        List<String> credit = texts(info.path("credit_providers"));
        assertTrue(credit.containsAll(List.of("tavily", "resend", "firecrawl", "exa", "browserbase")), credit.toString());
        assertFalse(credit.contains("openai") || credit.contains("stripe") || credit.contains("twilio"), credit.toString());

        assertEquals(204, call("DELETE", "/api/v1/byok/" + ids.get("stripe"), token, null).status());
        JsonNode after = call("GET", "/api/v1/key", token, null).body();
        assertEquals(2, after.path("byok_providers").size());
        assertTrue(texts(after.path("credit_providers")).contains("stripe"), after.toString());

        // The operator side: platform keys, the audit chain (intact, then tampered), and a rewrap.
        assertEquals(8, cli("platform-keys", "list").path("data").size());
        JsonNode verified = cli("audit", "verify", accountId);
        assertTrue(verified.path("valid").asBoolean());
        assertEquals(6, verified.path("entries").asInt(), "account, api key, 3 registrations, 1 deletion");

        JsonNode rewrap = cli("rewrap", "--to-kms-key", "local:rotated", "--page-size", "3");
        assertTrue(rewrap.path("pages").asInt() > 1);
        assertEquals(0, rewrap.path("failed").asInt());
        var vault = tollgate.services().keyVault();
        assertEquals(keys.get("openai"), vault.useSecret(vault.activeKey(accountId, "openai").orElseThrow(),
                dev.tollgate.vault.Secret::reveal));

        var dynamo = tollgate.services().dynamo();
        String auditTable = tollgate.services().tables().audit();
        dynamo.updateItem(b -> b.tableName(auditTable)
                .key(Map.of("account_id", AttributeValue.fromS(accountId), "seq", AttributeValue.fromN("3")))
                .updateExpression("SET actor = :a").expressionAttributeValues(Map.of(":a", AttributeValue.fromS("someone-else"))));
        CliRun tampered = cliRun("audit", "verify", accountId);
        assertEquals(1, tampered.code(), tampered.out() + tampered.err());
        assertTrue(tampered.out().contains("edited"), tampered.out());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void aSuspendedAccountIsRefusedOnCustomerRoutesUntilReactivated() throws Exception {
        String accountId = cli("accounts", "create", "--plan", "free").path("account_id").asText();
        String token = cli("api-keys", "issue", accountId).path("api_key").asText();
        cli("accounts", "suspend", accountId);
        assertError(call("GET", "/api/v1/key", token, null), 403, "account_suspended");
        cli("accounts", "activate", accountId);
        assertEquals(200, call("GET", "/api/v1/key", token, null).status());
        assertEquals("team", cli("accounts", "set-plan", accountId, "team").path("plan").asText());
    }
}
