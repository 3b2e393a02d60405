package dev.tollgate.functions.registerkey;

import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.LambdaJarChecks;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaJar;
import dev.tollgate.testkit.MotoServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shaded RegisterKeyFunction jar alone (minimized) registers a BYOK key with KMS envelope encryption. */
class RegisterKeyLambdaJarIT {
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
    void theJarAloneRegistersAKey() throws Exception {
        Config config = TestServices.configWithKms(DYNAMO, moto, Map.of());
        var customer = LambdaJarChecks.customer(Services.create(config), Plan.PRO, 0);
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.registerkey.RegisterKeyHandler", config.asMap());

            JsonNode registered = jar.invoke(handler, event("register-key/register.json", customer.placeholders()),
                    "RegisterKeyFunction");
            assertEquals(201, registered.path("statusCode").asInt(), registered.toString());
            assertFalse(registered.toString().contains("PLACEHOLDERKEYPLACEHOLDERKEY0000"), "the secret is not echoed");
            assertEquals("openai", body(registered).path("provider").asText(), registered.toString());

            LambdaJarChecks.assertHealthy(jar, 1);
        }
    }
}
