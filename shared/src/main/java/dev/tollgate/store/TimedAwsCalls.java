package dev.tollgate.store;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * An SDK interceptor that times every AWS call (one API call, its retries included) from the start of its execution
 * to its end, successful or not, and hands service, operation and duration to {@link #record}: the production
 * metrics ({@link AwsCallMetrics}) and the benchmarks' meter count calls the same way.
 */
public abstract class TimedAwsCalls implements ExecutionInterceptor {
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("tollgate.aws-call.started");

    @Override
    public final void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public final void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        finished(attributes);
    }

    @Override
    public final void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        finished(attributes);
    }

    private void finished(ExecutionAttributes attributes) {
        Long started = attributes.getAttribute(STARTED);
        record(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                started == null ? 0 : System.nanoTime() - started);
    }

    /** One finished call; {@code nanos} is 0 when its start was not seen. */
    protected abstract void record(String service, String operation, long nanos);
}
