package dev.tollgate.store;

import dev.tollgate.log.RequestMetrics;

/**
 * Adds every AWS SDK call (one API call, its retries included) and the time spent in it to the running
 * invocation's {@link RequestMetrics}, per service: the round trips per request that SPEC §11.4 budgets, visible in
 * production. Stateless; sync clients run it on the calling thread, which is the invocation's.
 */
public final class AwsCallMetrics extends TimedAwsCalls {
    static final AwsCallMetrics INSTANCE = new AwsCallMetrics();

    private AwsCallMetrics() {
    }

    @Override
    protected void record(String service, String operation, long nanos) {
        RequestMetrics.current().awsCall(service, nanos);
    }
}
