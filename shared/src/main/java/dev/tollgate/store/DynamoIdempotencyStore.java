package dev.tollgate.store;

import static dev.tollgate.store.Attr.n;
import static dev.tollgate.store.Attr.s;

import dev.tollgate.billing.AtomicWrite;
import dev.tollgate.billing.IdempotencyRecord;
import dev.tollgate.billing.IdempotencyStore;
import dev.tollgate.billing.LedgerUnavailableException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Idempotency records on the IdempotencyTable: pk = {@code account#key}, TTL attribute {@code ttl}. DynamoDB removes
 * expired items lazily (up to days later), so every read and every claim condition also compares {@code ttl} with
 * the current time.
 */
public final class DynamoIdempotencyStore implements IdempotencyStore {
    private static final String CLAIM_CONDITION = "attribute_not_exists(pk) OR #ttl < :now"
            + " OR (#st = :inprog AND lease_until < :now AND fingerprint = :fp)"
            + " OR (#st = :unknown AND fingerprint = :fp)";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoIdempotencyStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    static String pk(String accountId, String key) {
        return accountId + "#" + key;
    }

    /** A read changes nothing: when the store fails it, the caller may safely be told that nothing was charged. */
    @Override
    public Optional<IdempotencyRecord> find(String accountId, String key, Instant now) {
        Map<String, AttributeValue> item;
        try {
            item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("pk", s(pk(accountId, key))))).item();
        } catch (SdkException e) {
            throw LedgerUnavailableException.notApplied();
        }
        if (item == null || item.isEmpty() || Attr.num(item, "ttl") < now.getEpochSecond()) {
            return Optional.empty();
        }
        AttributeValue response = item.get("response");
        AttributeValue gzip = item.get("response_gzip");
        return Optional.of(new IdempotencyRecord(accountId, key, Attr.str(item, "fingerprint"),
                IdempotencyRecord.Status.valueOf(Attr.str(item, "status").toUpperCase(Locale.ROOT)),
                Attr.str(item, "owner"), Instant.ofEpochSecond(Attr.num(item, "lease_until")),
                (int) Attr.num(item, "response_status"),
                response == null || response.b() == null ? null : response.b().asByteArray(),
                gzip != null && Boolean.TRUE.equals(gzip.bool())));
    }

    private Put claimPut(Claim claim) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(pk(claim.accountId(), claim.key())));
        item.put("account_id", s(claim.accountId()));
        item.put("fingerprint", s(claim.fingerprint()));
        item.put("status", s(IdempotencyRecord.Status.IN_PROGRESS.wire()));
        item.put("owner", s(claim.ownerRequestId()));
        item.put("lease_until", n(claim.leaseUntil().getEpochSecond()));
        item.put("created_at", Attr.time(claim.now()));
        item.put("ttl", n(claim.expiresAt().getEpochSecond()));
        return Put.builder().tableName(table).item(item)
                .conditionExpression(CLAIM_CONDITION)
                .expressionAttributeNames(Map.of("#ttl", "ttl", "#st", "status"))
                .expressionAttributeValues(Map.of(":now", n(claim.now().getEpochSecond()),
                        ":inprog", s(IdempotencyRecord.Status.IN_PROGRESS.wire()), ":fp", s(claim.fingerprint()),
                        ":unknown", s(IdempotencyRecord.Status.OUTCOME_UNKNOWN.wire())))
                .build();
    }

    @Override
    public AtomicWrite claimWrite(Claim claim) {
        return new DynamoWrite(TransactWriteItem.builder().put(claimPut(claim)).build());
    }

    @Override
    public boolean claim(Claim claim) {
        Put put = claimPut(claim);
        try {
            dynamo.putItem(b -> b.tableName(put.tableName()).item(put.item())
                    .conditionExpression(put.conditionExpression())
                    .expressionAttributeNames(put.expressionAttributeNames())
                    .expressionAttributeValues(put.expressionAttributeValues()));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    @Override
    public AtomicWrite completeWrite(String accountId, String key, String ownerRequestId, int status, byte[] response,
                                     boolean gzip) {
        return new DynamoWrite(TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Map.of("pk", s(pk(accountId, key))))
                .updateExpression("SET #st = :done, response_status = :code, #resp = :body, response_gzip = :gz")
                .conditionExpression("#st = :inprog AND #owner = :me")
                .expressionAttributeNames(Map.of("#st", "status", "#owner", "owner", "#resp", "response"))
                .expressionAttributeValues(Map.of(":done", s(IdempotencyRecord.Status.COMPLETED.wire()),
                        ":code", n(status), ":body", AttributeValue.fromB(SdkBytes.fromByteArray(response)),
                        ":gz", Attr.bool(gzip), ":inprog", s(IdempotencyRecord.Status.IN_PROGRESS.wire()),
                        ":me", s(ownerRequestId)))
                .build()).build());
    }

    private Delete abandonDelete(String accountId, String key, String ownerRequestId) {
        return Delete.builder().tableName(table).key(Map.of("pk", s(pk(accountId, key))))
                .conditionExpression("#st = :inprog AND #owner = :me")
                .expressionAttributeNames(Map.of("#st", "status", "#owner", "owner"))
                .expressionAttributeValues(Map.of(":inprog", s(IdempotencyRecord.Status.IN_PROGRESS.wire()),
                        ":me", s(ownerRequestId)))
                .build();
    }

    @Override
    public AtomicWrite abandonWrite(String accountId, String key, String ownerRequestId) {
        return new DynamoWrite(TransactWriteItem.builder().delete(abandonDelete(accountId, key, ownerRequestId)).build());
    }

    @Override
    public void abandon(String accountId, String key, String ownerRequestId) {
        Delete delete = abandonDelete(accountId, key, ownerRequestId);
        try {
            dynamo.deleteItem(b -> b.tableName(delete.tableName()).key(delete.key())
                    .conditionExpression(delete.conditionExpression())
                    .expressionAttributeNames(delete.expressionAttributeNames())
                    .expressionAttributeValues(delete.expressionAttributeValues()));
        } catch (ConditionalCheckFailedException notOurs) {
            // Taken over after our lease ran out, or already gone: nothing to undo.
        }
    }

    private Update outcomeUnknownUpdate(String accountId, String key, String ownerRequestId) {
        return Update.builder().tableName(table)
                .key(Map.of("pk", s(pk(accountId, key))))
                .updateExpression("SET #st = :unknown")
                .conditionExpression("#st = :inprog AND #owner = :me")
                .expressionAttributeNames(Map.of("#st", "status", "#owner", "owner"))
                .expressionAttributeValues(Map.of(":unknown", s(IdempotencyRecord.Status.OUTCOME_UNKNOWN.wire()),
                        ":inprog", s(IdempotencyRecord.Status.IN_PROGRESS.wire()), ":me", s(ownerRequestId)))
                .build();
    }

    @Override
    public AtomicWrite outcomeUnknownWrite(String accountId, String key, String ownerRequestId) {
        return new DynamoWrite(TransactWriteItem.builder().update(outcomeUnknownUpdate(accountId, key, ownerRequestId))
                .build());
    }

    @Override
    public void markOutcomeUnknown(String accountId, String key, String ownerRequestId) {
        Update update = outcomeUnknownUpdate(accountId, key, ownerRequestId);
        try {
            dynamo.updateItem(b -> b.tableName(update.tableName()).key(update.key())
                    .updateExpression(update.updateExpression())
                    .conditionExpression(update.conditionExpression())
                    .expressionAttributeNames(update.expressionAttributeNames())
                    .expressionAttributeValues(update.expressionAttributeValues()));
        } catch (ConditionalCheckFailedException notOurs) {
            // Taken over after our lease ran out: the new owner's outcome stands.
        }
    }
}
