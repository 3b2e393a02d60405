package dev.tollgate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.app.Services;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.LambdaJar;
import dev.tollgate.testkit.RepoRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * What every function's {@code *LambdaJarIT} checks after requests ran through its shaded jar alone: the jar is
 * within {@link LambdaJar#MAX_BYTES}, SLF4J is bound to Tollgate's log inside it, and every line the requests wrote
 * is JSON carrying the Lambda request id, each request ending with a valid EMF document.
 */
public final class LambdaJarChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LambdaJarChecks() {
    }

    /** An event of {@code events/} as API Gateway sends it, placeholders replaced (JSON-escaped). */
    public static String event(String relativePath, Map<String, String> placeholders) {
        try {
            String json = Files.readString(RepoRoot.find().resolve("events").resolve(relativePath),
                    StandardCharsets.UTF_8);
            return dev.tollgate.testkit.ApiEvents.replacePlaceholders(json, placeholders);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event JSON with another (text) body. */
    public static String withBody(String eventJson, String body) {
        try {
            var event = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(eventJson);
            event.put("body", body);
            event.put("isBase64Encoded", false);
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A personal account on {@code plan} with {@code micros} of credits and an API key, through {@code services}. */
    public static Customer customer(Services services, Plan plan, long micros) {
        Account account = services.accountService().create(Account.Type.PERSONAL, plan, "jar test", "test");
        if (micros > 0) {
            services.accountService().topUp(account.id(), micros, "seed-" + account.id(), "test");
        }
        return new Customer(account.id(), services.accountService().issueApiKey(account.id(), "k", "test").token());
    }

    public record Customer(String accountId, String token) {
        public Map<String, String> placeholders() {
            return Map.of("tg_test_PLACEHOLDER", token);
        }
    }

    /** The response's body, parsed. */
    public static JsonNode body(JsonNode response) {
        try {
            return JSON.readTree(response.path("body").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void assertHealthy(LambdaJar jar, int invocations) throws Exception {
        System.out.printf("%s: %,d bytes%n", jar.path().getFileName(), jar.size());
        assertTrue(jar.size() <= LambdaJar.MAX_BYTES, jar.path().getFileName() + " is " + jar.size()
                + " bytes; the budget is " + LambdaJar.MAX_BYTES + " (docs/PERFORMANCE.md, Jars)");
        Object logger = jar.load("org.slf4j.LoggerFactory").getMethod("getLogger", String.class)
                .invoke(null, "software.amazon.awssdk.request");
        assertEquals("dev.tollgate.log.Slf4jLogger", logger.getClass().getName(), "SLF4J binds to Tollgate's log");

        List<JsonNode> lines = jar.logLines();
        List<JsonNode> documents = lines.stream().filter(line -> line.has("_aws")).toList();
        assertEquals(invocations, documents.size(), "one EMF document per invocation: " + lines);
        for (JsonNode document : documents) {
            EmfDocuments.assertValid(document);
        }
        for (JsonNode line : lines) {
            if (line.has("request_id")) {
                assertFalse(line.path("lambda_request_id").asText().isEmpty(), "Lambda's request id: " + line);
            }
        }
    }
}
