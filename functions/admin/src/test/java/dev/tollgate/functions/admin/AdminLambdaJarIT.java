package dev.tollgate.functions.admin;

import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.testing.LambdaJarChecks;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaJar;
import dev.tollgate.testkit.MotoServer;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded AdminFunction jar alone (minimized) creates and tops up an account and stores a platform key,
 * envelope-encrypted with KMS (moto_server when installed, else the local keyring).
 */
class AdminLambdaJarIT {
    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static MotoServer moto;

    @BeforeAll
    static void startKms() {
        moto = MotoServer.available() ? MotoServer.start() : null;
    }

    @AfterAll
    static void stopKms() {
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void theJarAloneRunsTheOperatorApi() throws Exception {
        Config config = TestServices.configWithKms(DYNAMO, moto, Map.of());
        String accountId;
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.admin.AdminHandler", config.asMap());

            JsonNode created = jar.invoke(handler, event("admin/create-account.json", Map.of()), "AdminFunction");
            assertEquals(201, created.path("statusCode").asInt(), created.toString());
            accountId = body(created).path("account_id").asText();
            JsonNode topUp = jar.invoke(handler, event("admin/topup.json", Map.of("acct_PLACEHOLDER", accountId)),
                    "AdminFunction");
            assertEquals(2, topUp.path("statusCode").asInt() / 100, topUp.toString());
            JsonNode platformKey = jar.invoke(handler, event("admin/set-platform-key.json", Map.of()), "AdminFunction");
            assertEquals(2, platformKey.path("statusCode").asInt() / 100, platformKey.toString());

            LambdaJarChecks.assertHealthy(jar, 3);
        }
        Services services = Services.create(config);
        assertEquals(25_500_000L, services.ledger().balance(accountId).available());
        assertEquals(Set.of("tavily"), services.keyVault().platformProviders());
    }
}
