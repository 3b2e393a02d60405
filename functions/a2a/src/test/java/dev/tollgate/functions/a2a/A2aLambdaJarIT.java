package dev.tollgate.functions.a2a;

import static dev.tollgate.testing.LambdaJarChecks.body;
import static dev.tollgate.testing.LambdaJarChecks.event;
import static dev.tollgate.testing.LambdaJarChecks.withBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.Credits;
import dev.tollgate.testing.JarBackends;
import dev.tollgate.testing.LambdaJarChecks;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.LambdaJar;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shaded A2aFunction jar alone (minimized): the public agent card, and a credits-mode {@code message/send}
 * through DynamoDB Local, KMS (moto_server when installed, else the local keyring) and HttpClient 5 to a WireMock
 * upstream, answered as a completed task in the A2A SDK's types; then {@code tasks/get} finds that task.
 */
class A2aLambdaJarIT {
    private static final String PLATFORM_KEY = "tvly-platPLATplatPLATplat01";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    @RegisterExtension
    static final JarBackends BACKENDS = JarBackends.withTavilySearch(PLATFORM_KEY);

    @Test
    void theJarAloneServesTheCardAndACreditsCall() throws Exception {
        JarBackends.Seeded seeded = BACKENDS.seed(DYNAMO, "tavily", PLATFORM_KEY, 10 * Credits.MICROS_PER_CREDIT);
        var customer = seeded.customer();
        try (LambdaJar jar = LambdaJar.ofThisModule()) {
            Object handler = jar.handler("dev.tollgate.functions.a2a.A2aHandler", seeded.config().asMap());

            JsonNode card = jar.invoke(handler, event("a2a/get-agent-card.json", Map.of()), "A2aFunction");
            assertEquals(200, card.path("statusCode").asInt(), card.toString());
            assertEquals("0.3.0", body(card).path("protocolVersion").asText(), card.toString());

            String send = withBody(event("a2a/message-send.json", customer.placeholders()), """
                    {"jsonrpc":"2.0","id":"1","method":"message/send","params":{"message":{"kind":"message",
                     "role":"user","messageId":"jar-test-1","parts":[{"kind":"data","data":{"tool":"tavily",
                     "operation":"search","input":{"query":"lambda java"}}}]}}}""");
            JsonNode sent = jar.invoke(handler, send, "A2aFunction");
            assertEquals(200, sent.path("statusCode").asInt(), sent.toString());
            JsonNode task = body(sent).path("result");
            assertEquals("completed", task.path("status").path("state").asText(), sent.toString());
            assertEquals("credits", task.path("metadata").path("tollgate/billing").path("mode").asText(),
                    sent.toString());

            String get = withBody(event("a2a/tasks-get.json", customer.placeholders()),
                    "{\"jsonrpc\":\"2.0\",\"id\":\"2\",\"method\":\"tasks/get\",\"params\":{\"id\":\""
                            + task.path("id").asText() + "\"}}");
            JsonNode got = jar.invoke(handler, get, "A2aFunction");
            assertEquals("completed", body(got).path("result").path("status").path("state").asText(), got.toString());

            // The protocol's errors, built without the SDK's Utils (whose JavaTimeModule the jar leaves out).
            Map<String, Integer> errors = Map.of(
                    "{\"method\":\"tasks/get\",\"params\":{\"id\":\"task_nope\"}}", -32001,
                    "{\"method\":\"tasks/cancel\",\"params\":{\"id\":\"" + task.path("id").asText() + "\"}}", -32002,
                    "{\"method\":\"message/stream\",\"params\":{}}", -32004);
            for (Map.Entry<String, Integer> error : errors.entrySet()) {
                JsonNode answered = jar.invoke(handler, withBody(event("a2a/tasks-get.json", customer.placeholders()),
                        "{\"jsonrpc\":\"2.0\",\"id\":\"e\"," + error.getKey().substring(1)), "A2aFunction");
                assertEquals(error.getValue(), body(answered).path("error").path("code").asInt(), answered.toString());
            }
            assertFalse(jar.contains("com/fasterxml/jackson/datatype/jsr310/JavaTimeModule.class"));

            LambdaJarChecks.assertHealthy(jar, 3 + errors.size());
        }
        assertEquals(9 * Credits.MICROS_PER_CREDIT,
                seeded.services().ledger().balance(customer.accountId()).available());
    }
}
