package dev.tollgate.testkit;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * JUnit 5 extension: one DynamoDB Local per test JVM, fresh tables per test class.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();
 *
 * @Test void works() {
 *     var config = MyConfig.fromEnvironment(DYNAMO.environment()); // table names already substituted
 *     var client = DYNAMO.client();
 * }
 * }</pre>
 *
 * <p>Register it on a {@code static} field: tables are created in {@code beforeAll}, named
 * {@code <prefix><logicalId>} with a random prefix per class so classes never see each other's data,
 * and deleted in {@code afterAll}. The server is started on first use and stopped when the JUnit
 * run ends (it lives in the root context's store).
 */
public final class DynamoExtension implements BeforeAllCallback, AfterAllCallback {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Object SERVER_KEY = LocalDynamo.class;

    private final Supplier<SamTemplate> templateSource;
    private SamTemplate template;
    private LocalDynamo dynamo;
    private String prefix;

    private DynamoExtension(Supplier<SamTemplate> templateSource) {
        this.templateSource = templateSource;
    }

    /** Tables from the repository's {@code template.yaml} (see {@link RepoRoot}). */
    public static DynamoExtension forRepoTemplate() {
        return new DynamoExtension(() -> SamTemplate.load(RepoRoot.template()));
    }

    /** Tables from another template (the testkit's own tests use a fixture). */
    public static DynamoExtension forTemplate(Path templateFile) {
        return new DynamoExtension(() -> SamTemplate.load(templateFile));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        template = templateSource.get();
        dynamo = sharedServer(context);
        prefix = "it" + HexFormat.of().formatHex(randomBytes()) + "_";
        dynamo.createTables(template, this::tableName);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (dynamo == null) {
            return;
        }
        // Deleting keeps the in-memory database small over a long run; failures do not matter.
        DynamoDbClient client = dynamo.client();
        for (TableSpec table : template.tables()) {
            try {
                client.deleteTable(r -> r.tableName(tableName(table.logicalId())));
            } catch (ResourceNotFoundException ignored) {
                // already gone
            }
        }
    }

    /** The shared server (started on first use in this JUnit run). */
    public LocalDynamo dynamo() {
        return ready(dynamo);
    }

    /** A client for the shared server. */
    public DynamoDbClient client() {
        return dynamo().client();
    }

    /** The template the tables were created from. */
    public SamTemplate template() {
        return ready(template);
    }

    /** This class's name for the table with {@code logicalId}. */
    public String tableName(String logicalId) {
        return ready(prefix) + logicalId;
    }

    /**
     * The template's global environment with every value that is a table's logical id (from
     * {@code !Ref Table}) replaced by this class's table name; other values as
     * {@link SamTemplate#globalEnvironment()} gives them.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>(template().globalEnvironment());
        for (TableSpec table : template.tables()) {
            env.replaceAll((name, value) -> value.equals(table.logicalId()) ? tableName(table.logicalId()) : value);
        }
        return Collections.unmodifiableMap(env);
    }

    private static LocalDynamo sharedServer(ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(DynamoExtension.class));
        return store.getOrComputeIfAbsent(SERVER_KEY, key -> new ClosingServer(LocalDynamo.start()), ClosingServer.class).dynamo;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[4];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static <T> T ready(T value) {
        if (value == null) {
            throw new IllegalStateException("DynamoExtension is not initialised: register it with @RegisterExtension"
                    + " on a static field and use it from test methods");
        }
        return value;
    }

    /** Lets JUnit stop the server when the root context closes, at the end of the run. */
    private record ClosingServer(LocalDynamo dynamo) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            dynamo.close();
        }
    }
}
