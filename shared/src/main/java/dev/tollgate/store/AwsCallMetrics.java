package dev.tollgate.store;

import dev.tollgate.log.RequestMetrics;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Adds every AWS SDK call (one API call, its retries included) and the time spent in it to the running
 * invocation's {@link RequestMetrics}, per service: the round trips per request that SPEC §11.4 budgets, visible in
 * production. Stateless; sync clients run it on the calling thread, which is the invocation's.
 */
public final class AwsCallMetrics implements ExecutionInterceptor {
    static final AwsCallMetrics INSTANCE = new AwsCallMetrics();
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("tollgate.metrics.started");

    private AwsCallMetrics() {
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(attributes);
    }

    private static void record(ExecutionAttributes attributes) {
        Long started = attributes.getAttribute(STARTED);
        RequestMetrics.current().awsCall(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                started == null ? 0 : System.nanoTime() - started);
    }
}
