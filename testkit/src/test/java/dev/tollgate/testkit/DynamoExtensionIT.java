package dev.tollgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoExtensionIT {
    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forTemplate(SamTemplateTest.fixture());

    @Test
    void createsUniquelyNamedTablesForThisClass() {
        String orders = DYNAMO.tableName("OrdersTable");
        assertTrue(orders.matches("it[0-9a-f]{8}_OrdersTable"), orders);
        assertTrue(DYNAMO.client().listTables().tableNames().contains(orders));
    }

    @Test
    void environmentNamesTheCreatedTables() {
        Map<String, String> env = DYNAMO.environment();
        assertEquals(DYNAMO.tableName("OrdersTable"), env.get("ORDERS_TABLE"));
        assertEquals(DYNAMO.tableName("LedgerTable"), env.get("LEDGER_TABLE"));
        assertEquals("SigningKey.Arn", env.get("SIGNING_KEY_ARN"));
        assertEquals("1048576", env.get("MAX_BODY_BYTES"));
    }

    @Test
    void tablesAreUsable() {
        String ledger = DYNAMO.environment().get("LEDGER_TABLE");
        DYNAMO.client().putItem(r -> r.tableName(ledger).item(Map.of("id", AttributeValue.fromS("x"))));
        assertTrue(DYNAMO.client().getItem(r -> r.tableName(ledger).key(Map.of("id", AttributeValue.fromS("x")))).hasItem());
        assertEquals("127.0.0.1", DYNAMO.dynamo().endpoint().getHost());
    }
}
