package dev.tollgate.functions.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.Services;
import dev.tollgate.audit.AuditChain;
import dev.tollgate.audit.AuditEntry;
import dev.tollgate.audit.AuditWire;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.vault.Secret;
import dev.tollgate.testkit.ApiEvents;
import dev.tollgate.testkit.DynamoExtension;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Platform keys, audit reads and rewrap through the Admin handler, driven by the events under events/admin. */
class VaultAdminIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENT_TAVILY_KEY = "tvly-PLACEHOLDERKEYPLACEHOLDER0000";
    private static final String EVENT_TARGET = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static Services services;
    private static AdminHandler handler;

    @BeforeAll
    static void wire() {
        Map<String, String> env = new HashMap<>(DYNAMO.environment());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", DYNAMO.dynamo().endpoint().toString());
        env.put("TOLLGATE_KMS_MODE", "local");
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        env.put("TOLLGATE_MASTER_KEY", Base64.getEncoder().encodeToString(master));
        services = Services.create(Config.of(env));
        handler = new AdminHandler(services);
    }

    private static JsonNode call(String name, Map<String, String> placeholders, int status) throws Exception {
        APIGatewayV2HTTPResponse response = handler.handleRequest(ApiEvents.fromRepo("admin/" + name + ".json", placeholders), null);
        assertEquals(status, response.getStatusCode(), response.getBody());
        return response.getBody().isEmpty() ? null : JSON.readTree(response.getBody());
    }

    @Test
    void platformKeysAreSetReplacedListedAndPurgedWithoutEverShowingTheKey() throws Exception {
        String first = "tvly-first" + "1".repeat(24);
        JsonNode set = call("set-platform-key", Map.of(EVENT_TAVILY_KEY, first), 200);
        assertEquals("tavily", set.path("provider").asText());
        assertEquals("\u20261111", set.path("hint").asText());
        assertTrue(set.path("replaced").isNull());
        String second = "tvly-second" + "2".repeat(24);
        JsonNode replaced = call("set-platform-key", Map.of(EVENT_TAVILY_KEY, second), 200);
        assertEquals(set.path("id").asText(), replaced.path("replaced").asText());
        assertEquals(second, services.keyVault().usePlatformSecret("tavily", Secret::reveal).orElseThrow());

        JsonNode list = call("list-platform-keys", Map.of(), 200);
        assertEquals(1, list.path("data").size());
        assertFalse(list.toString().contains(second));
        assertEquals(400, handler.handleRequest(ApiEvents.fromRepo("admin/set-platform-key.json",
                Map.of(EVENT_TAVILY_KEY, "not-a-tavily-key")), null).getStatusCode());

        call("delete-platform-key", Map.of(), 204);
        call("delete-platform-key", Map.of(), 404);
        assertEquals(0, call("list-platform-keys", Map.of(), 200).path("data").size());

        List<AuditEntry> platformAudit = services.auditLog().entries("platform", null, 100).items();
        assertEquals(List.of("platform_key.deleted", "platform_key.replaced", "platform_key.registered"),
                platformAudit.stream().map(AuditEntry::action).toList());
        assertTrue(AuditChain.verify(platformAudit).isEmpty());
    }

    @Test
    void theAuditRouteServesTheChainThatTheVerifierRecomputes() throws Exception {
        Account account = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "t", "operator:test");
        services.accountService().issueApiKey(account.id(), "k", "operator:test");
        services.keyRegistry().registerPersonal(account, "api_key:test", "openai", "sk-" + "x".repeat(30), null, false);
        JsonNode page = call("get-account-audit", Map.of("acct_PLACEHOLDER", account.id()), 200);
        List<AuditEntry> entries = new ArrayList<>();
        page.path("data").forEach(n -> entries.add(AuditWire.parse(n)));
        assertEquals(3, entries.size());
        assertEquals(3, entries.get(0).seq(), "newest first");
        assertTrue(AuditChain.verify(entries).isEmpty());
        assertTrue(page.path("next_cursor").isNull());
        call("get-account-audit", Map.of("acct_PLACEHOLDER", "acct_nobody"), 404);
    }

    @Test
    void rewrapReportsEachPageAndRefusesATargetTheVaultCannotUse() throws Exception {
        Account account = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "t", "operator:test");
        services.keyRegistry().registerPersonal(account, "api_key:test", "stripe", "sk_test_" + "y".repeat(30), null, false);
        JsonNode report = call("rewrap", Map.of(EVENT_TARGET, "local:rotated"), 200);
        assertTrue(report.path("rewrapped").asInt() >= 1, report.toString());
        assertEquals(0, report.path("failed").asInt());
        assertEquals("validation_failed", call("rewrap", Map.of(), 400).path("error").path("code").asText());
    }
}
