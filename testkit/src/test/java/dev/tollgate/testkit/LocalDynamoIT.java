package dev.tollgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

class LocalDynamoIT {
    private static final SamTemplate TEMPLATE = SamTemplate.load(SamTemplateTest.fixture());
    private static LocalDynamo dynamo;

    @BeforeAll
    static void start() {
        dynamo = LocalDynamo.start();
        dynamo.createTables(TEMPLATE, id -> "local-" + id);
    }

    @AfterAll
    static void stop() {
        dynamo.close();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    @Test
    void listensOnLoopbackAndFindsItsNatives() {
        assertEquals("127.0.0.1", dynamo.endpoint().getHost());
        assertTrue(dynamo.port() > 0);
        assertTrue(System.getProperty("sqlite4java.library.path") != null);
    }

    @Test
    void createsTablesFromTheTemplateWithIndexesAndTtl() {
        DynamoDbClient client = dynamo.client();
        assertTrue(client.listTables().tableNames().containsAll(List.of("local-OrdersTable", "local-LedgerTable")));
        TableDescription orders = client.describeTable(r -> r.tableName("local-OrdersTable")).table();
        assertEquals(List.of("byCustomer", "byCreated"), orders.globalSecondaryIndexes().stream().map(i -> i.indexName()).toList());
        assertEquals(TimeToLiveStatus.ENABLED, client.describeTimeToLive(r -> r.tableName("local-OrdersTable"))
                .timeToLiveDescription().timeToLiveStatus());
        assertEquals("expiresAt", client.describeTimeToLive(r -> r.tableName("local-OrdersTable"))
                .timeToLiveDescription().attributeName());
    }

    @Test
    void createTablesIsIdempotent() {
        dynamo.createTables(TEMPLATE, id -> "local-" + id);
        long count = dynamo.client().listTables().tableNames().stream().filter(n -> n.startsWith("local-")).count();
        assertEquals(2, count);
    }

    @Test
    void putGetAndQueryTheIndexRoundTrip() {
        DynamoDbClient client = dynamo.client();
        client.putItem(r -> r.tableName("local-OrdersTable").item(Map.of(
                "pk", s("order#1"), "sk", s("v0"), "customer", s("cus_1"), "createdAt", n(1700000000),
                "status", s("open"), "total", n(4200))));

        Map<String, AttributeValue> item = client.getItem(r -> r.tableName("local-OrdersTable").consistentRead(true)
                .key(Map.of("pk", s("order#1"), "sk", s("v0")))).item();
        assertEquals("open", item.get("status").s());

        var byCustomer = client.query(r -> r.tableName("local-OrdersTable").indexName("byCustomer")
                .keyConditionExpression("customer = :c").expressionAttributeValues(Map.of(":c", s("cus_1")))).items();
        assertEquals(1, byCustomer.size());
        assertEquals("4200", byCustomer.get(0).get("total").n());
    }

    @Test
    void transactWriteItemsHonoursConditions() {
        DynamoDbClient client = dynamo.client();
        client.putItem(r -> r.tableName("local-LedgerTable").item(Map.of("id", s("acct_1"), "balance", n(100))));

        TransactWriteItem debit = TransactWriteItem.builder().update(u -> u.tableName("local-LedgerTable")
                .key(Map.of("id", s("acct_1")))
                .updateExpression("SET balance = balance - :amount")
                .conditionExpression("balance >= :amount")
                .expressionAttributeValues(Map.of(":amount", n(60)))).build();
        TransactWriteItem entry = TransactWriteItem.builder().put(p -> p.tableName("local-LedgerTable")
                .item(Map.of("id", s("entry_1"), "amount", n(60)))
                .conditionExpression("attribute_not_exists(id)")).build();
        client.transactWriteItems(r -> r.transactItems(debit, entry));

        TransactionCanceledException refused = assertThrows(TransactionCanceledException.class,
                () -> client.transactWriteItems(r -> r.transactItems(debit, TransactWriteItem.builder()
                        .put(p -> p.tableName("local-LedgerTable").item(Map.of("id", s("entry_2"), "amount", n(60)))
                                .conditionExpression("attribute_not_exists(id)")).build())));
        assertEquals("ConditionalCheckFailed", refused.cancellationReasons().get(0).code());
        assertEquals("None", refused.cancellationReasons().get(1).code());

        Map<String, AttributeValue> account = client.getItem(r -> r.tableName("local-LedgerTable")
                .key(Map.of("id", s("acct_1")))).item();
        assertEquals("40", account.get("balance").n());
        assertFalse(client.getItem(r -> r.tableName("local-LedgerTable").key(Map.of("id", s("entry_2")))).hasItem());
    }

    /** {@code Executors.defaultThreadFactory()}'s worker names: {@code pool-<pool>-thread-<n>}. */
    private static final Pattern POOL_WORKER = Pattern.compile("(pool-\\d+)-thread-\\d+");

    @Test
    void closeStopsEveryThreadItStarted() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (LocalDynamo own = LocalDynamo.start()) {
            own.createTables(TEMPLATE, id -> "closing-" + id);
            own.client().putItem(r -> r.tableName("closing-LedgerTable").item(Map.of("id", s("x"))));
        }
        // A pool that was running before this instance started (another instance's, e.g. the extension's shared one)
        // may grow a worker meanwhile; it is not this instance's to stop. Its workers are named after it.
        Set<String> poolsBefore = before.stream().map(t -> POOL_WORKER.matcher(t.getName()))
                .filter(Matcher::matches).map(m -> m.group(1)).collect(Collectors.toSet());
        List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && !t.isDaemon())
                .filter(t -> {
                    Matcher worker = POOL_WORKER.matcher(t.getName());
                    return !worker.matches() || !poolsBefore.contains(worker.group(1));
                }).toList();
        for (Thread thread : started) {
            // Interrupted threads end promptly; the bound only keeps a regression from hanging the build.
            thread.join(Duration.ofSeconds(20).toMillis());
        }
        List<Thread> alive = started.stream().filter(Thread::isAlive).toList();
        assertEquals(List.of(), alive.stream().map(Thread::getName).toList(),
                () -> "a thread left running keeps the JVM (a benchmark, the local runner) alive after close; where "
                        + "each one is: " + alive.stream().map(t -> t.getName() + " " + t.getState() + " at "
                        + Arrays.toString(t.getStackTrace())).toList());
    }

    @Test
    void persistsTablesInADataDirectory(@TempDir Path dataDir) {
        try (LocalDynamo first = LocalDynamo.start(0, dataDir)) {
            first.createTables(TEMPLATE, id -> id);
            first.client().putItem(r -> r.tableName("LedgerTable").item(Map.of("id", s("kept"))));
        }
        try (LocalDynamo second = LocalDynamo.start(0, dataDir)) {
            second.createTables(TEMPLATE, id -> id);
            assertTrue(second.client().getItem(r -> r.tableName("LedgerTable").key(Map.of("id", s("kept")))).hasItem());
        }
    }
}
