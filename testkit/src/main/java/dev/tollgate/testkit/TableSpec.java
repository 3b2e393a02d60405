package dev.tollgate.testkit;

import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/**
 * One {@code AWS::DynamoDB::Table} of a SAM template.
 *
 * @param logicalId          the resource's logical id, e.g. {@code AccountsTable}
 * @param createTableRequest keys, attribute definitions, indexes and streams as the template declares
 *                           them, always {@code PAY_PER_REQUEST}; its table name is the logical id
 *                           (use {@link #createTableRequest(String)} for a real name)
 * @param ttlAttribute       the {@code TimeToLiveSpecification} attribute, when TTL is enabled
 */
public record TableSpec(String logicalId, CreateTableRequest createTableRequest, Optional<String> ttlAttribute) {
    public TableSpec {
        Objects.requireNonNull(logicalId, "logicalId");
        Objects.requireNonNull(createTableRequest, "createTableRequest");
        Objects.requireNonNull(ttlAttribute, "ttlAttribute");
    }

    /** The same request for a table called {@code tableName}. */
    public CreateTableRequest createTableRequest(String tableName) {
        return createTableRequest.toBuilder().tableName(tableName).build();
    }
}
