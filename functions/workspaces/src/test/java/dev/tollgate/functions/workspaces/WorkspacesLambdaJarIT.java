package dev.tollgate.functions.workspaces;

import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Plan;
import dev.tollgate.testing.LambdaJarChecks;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaJar;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shaded WorkspacesFunction jar alone (minimized) creates a workspace in DynamoDB Local. */
class WorkspacesLambdaJarIT {
    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    @Test
    void theJarAloneCreatesAWorkspace() throws Exception {
        Config config = TestServices.config(DYNAMO, Map.of());
        var customer = LambdaJarChecks.customer(Services.create(config), Plan.TEAM, 0);
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.workspaces.WorkspacesHandler", config.asMap());

            JsonNode created = jar.invoke(handler, event("workspaces/create-workspace.json", customer.placeholders()),
                    "WorkspacesFunction");
            assertEquals(201, created.path("statusCode").asInt(), created.toString());
            assertTrue(body(created).path("id").asText().startsWith("ws_"), created.toString());

            LambdaJarChecks.assertHealthy(jar, 1);
        }
    }
}
