package dev.tollgate.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Fault injection for the real AWS SDK against DynamoDB Local: an {@link ExecutionInterceptor}, so nothing of the SDK
 * is mocked. Each DynamoDB call is classified by the step of a credits call it belongs to (reserve, capture, release,
 * another write, a read) and, with probability {@code rate}, gets one fault of the kinds that fit it, drawn from a
 * {@link Random} with a fixed seed. Run single-threaded, the same seed injects the same faults in the same places.
 * {@link #script} queues exact faults instead, for tests of one path.
 *
 * <ul>
 *   <li>{@link Kind#THROTTLED_THEN_RETRIED}: a throttling error the SDK itself retries (first attempt only).</li>
 *   <li>{@link Kind#THROTTLED}: throttling that reaches the product, as when the SDK's retries ran out.</li>
 *   <li>{@link Kind#TRANSACTION_CONFLICT}, {@link Kind#TRANSACTION_THROTTLED}: a transaction cancelled before it
 *       applied.</li>
 *   <li>{@link Kind#CONDITION_FAILED}: the balance shard's condition fails without the shard as it was (DynamoDB
 *       always returns it), so the ledger must read the shard and decide again.</li>
 *   <li>{@link Kind#RESPONSE_LOST}: the write applied and its answer never arrived (a timeout, a reset).</li>
 *   <li>{@link Kind#CRASH_BEFORE}, {@link Kind#CRASH_AFTER}: the container dies just before the call is sent, or just
 *       after it applied: a {@link Crash} {@code Error}, which no product code catches, so no clean-up runs.</li>
 * </ul>
 */
public final class DynamoFaults implements ExecutionInterceptor {

    /** Where in a credits call a DynamoDB call sits. */
    public enum Step { RESERVE, CAPTURE, RELEASE, OTHER_WRITE, READ }

    public enum Kind {
        THROTTLED_THEN_RETRIED, THROTTLED, TRANSACTION_CONFLICT, TRANSACTION_THROTTLED, CONDITION_FAILED,
        RESPONSE_LOST, CRASH_BEFORE, CRASH_AFTER
    }

    /** A container dying mid-call: an Error, so that no {@code catch (RuntimeException)} clean-up runs. */
    public static final class Crash extends Error {
        public Crash(String where) {
            super("injected crash " + where, null, false, false);
        }
    }

    private static final ExecutionAttribute<Kind> PLANNED = new ExecutionAttribute<>("tollgate.fault");
    private static final ExecutionAttribute<Boolean> RETRIED = new ExecutionAttribute<>("tollgate.fault.retried");
    private static final ExecutionAttribute<Integer> ITEMS = new ExecutionAttribute<>("tollgate.fault.items");
    /** The SDK backs off ~0.5 s before retrying a throttle: a few of those prove the path without slowing the run. */
    private static final int MAX_SDK_RETRIED_THROTTLES = 6;

    private final Random random;
    private final double rate;
    private final String holdsTable;
    private final Map<Step, Map<Kind, Integer>> injected = new EnumMap<>(Step.class);
    private final Deque<Map.Entry<Step, Kind>> script = new ArrayDeque<>();
    private volatile boolean enabled;
    private int sdkRetriedThrottles;

    public DynamoFaults(long seed, double rate, String holdsTable) {
        this.random = new Random(seed);
        this.rate = rate;
        this.holdsTable = holdsTable;
    }

    public void enable(boolean on) {
        enabled = on;
    }

    /** Injects {@code kind} into each of the next {@code times} calls at {@code step}, before any random fault. */
    public synchronized DynamoFaults script(Step step, Kind kind, int times) {
        for (int i = 0; i < times; i++) {
            script.add(Map.entry(step, kind));
        }
        enabled = true;
        return this;
    }

    /** Scripted faults not yet injected. */
    public synchronized int scriptLeft() {
        return script.size();
    }

    /** Faults injected so far, by step and kind. */
    public synchronized Map<Step, Map<Kind, Integer>> injected() {
        Map<Step, Map<Kind, Integer>> copy = new TreeMap<>();
        injected.forEach((step, kinds) -> copy.put(step, new TreeMap<>(kinds)));
        return copy;
    }

    public synchronized int total() {
        return injected.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
    }

    public synchronized int count(Kind kind) {
        return injected.values().stream().mapToInt(m -> m.getOrDefault(kind, 0)).sum();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!enabled) {
            return;
        }
        Kind kind = plan(context.request());
        if (kind != null) {
            attributes.putAttribute(PLANNED, kind);
            if (context.request() instanceof TransactWriteItemsRequest tx) {
                attributes.putAttribute(ITEMS, tx.transactItems().size());
            }
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        Kind kind = attributes.getAttribute(PLANNED);
        if (kind == null) {
            return;
        }
        switch (kind) {
            case THROTTLED_THEN_RETRIED -> {
                if (attributes.getAttribute(RETRIED) == null) {
                    attributes.putAttribute(RETRIED, true);
                    throw throttling(true);
                }
            }
            case THROTTLED -> throw throttling(false);
            case TRANSACTION_CONFLICT -> throw cancelled(attributes, "TransactionConflict");
            case TRANSACTION_THROTTLED -> throw cancelled(attributes, "ThrottlingError");
            case CONDITION_FAILED -> throw cancelled(attributes, "ConditionalCheckFailed");
            case CRASH_BEFORE -> throw new Crash("before " + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            default -> {
                // RESPONSE_LOST and CRASH_AFTER act once the call has applied
            }
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Kind kind = attributes.getAttribute(PLANNED);
        if (kind == Kind.RESPONSE_LOST) {
            throw SdkClientException.create("injected: the connection was reset before the answer arrived");
        }
        if (kind == Kind.CRASH_AFTER) {
            throw new Crash("after " + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }

    private synchronized Kind plan(SdkRequest request) {
        Step step = step(request);
        if (!script.isEmpty()) {
            if (script.peek().getKey() != step) {
                return null;
            }
            Kind kind = script.poll().getValue();
            injected.computeIfAbsent(step, s -> new EnumMap<>(Kind.class)).merge(kind, 1, Integer::sum);
            return kind;
        }
        if (random.nextDouble() >= rate) {
            return null;
        }
        boolean transaction = request instanceof TransactWriteItemsRequest;
        List<Kind> fitting = List.of(Kind.values()).stream().filter(kind -> switch (kind) {
            case TRANSACTION_CONFLICT, TRANSACTION_THROTTLED, CONDITION_FAILED -> transaction;
            case RESPONSE_LOST, CRASH_AFTER, CRASH_BEFORE -> step != Step.READ;
            case THROTTLED_THEN_RETRIED -> sdkRetriedThrottles < MAX_SDK_RETRIED_THROTTLES;
            default -> true;
        }).toList();
        Kind kind = fitting.get(random.nextInt(fitting.size()));
        if (kind == Kind.THROTTLED_THEN_RETRIED) {
            sdkRetriedThrottles++;
        }
        injected.computeIfAbsent(step, s -> new EnumMap<>(Kind.class)).merge(kind, 1, Integer::sum);
        return kind;
    }

    private Step step(SdkRequest request) {
        if (request instanceof GetItemRequest || request instanceof QueryRequest || request instanceof BatchGetItemRequest
                || request instanceof ScanRequest) {
            return Step.READ;
        }
        if (request instanceof TransactWriteItemsRequest tx) {
            for (TransactWriteItem item : tx.transactItems()) {
                if (item.put() != null && holdsTable.equals(item.put().tableName())) {
                    return Step.RESERVE;
                }
                if (item.update() != null && holdsTable.equals(item.update().tableName())) {
                    AttributeValue to = item.update().expressionAttributeValues().get(":to");
                    return to != null && "captured".equals(to.s()) ? Step.CAPTURE : Step.RELEASE;
                }
            }
        }
        return Step.OTHER_WRITE;
    }

    /**
     * The throttling error. With DynamoDB's error code the SDK recognises it and retries; with another code it hands
     * it straight up, as it does once its own retries have run out.
     */
    private static ProvisionedThroughputExceededException throttling(boolean sdkRetries) {
        return (ProvisionedThroughputExceededException) ProvisionedThroughputExceededException.builder().statusCode(400)
                .message("injected: the level of configured provisioned throughput for the table was exceeded")
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("DynamoDb").errorMessage("injected")
                        .errorCode(sdkRetries ? "ProvisionedThroughputExceededException" : "InjectedRetriesExhausted")
                        .build())
                .build();
    }

    private static TransactionCanceledException cancelled(ExecutionAttributes attributes, String firstReason) {
        Integer items = attributes.getAttribute(ITEMS);
        // One reason per item, as DynamoDB reports them: the first item (the balance shard) failed, the rest did not.
        List<CancellationReason> reasons = IntStream.range(0, items == null ? 1 : items)
                .mapToObj(i -> CancellationReason.builder().code(i == 0 ? firstReason : "None").build()).toList();
        return (TransactionCanceledException) TransactionCanceledException.builder().statusCode(400)
                .message("injected: transaction cancelled [" + firstReason + "]")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("TransactionCanceledException")
                        .serviceName("DynamoDb").build())
                .cancellationReasons(reasons).build();
    }
}
