package dev.tollgate.execution;

import dev.tollgate.auth.Acting;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.OutputCap;
import dev.tollgate.catalog.Provider;
import dev.tollgate.execution.PayerResolver.Payer;
import java.time.Instant;

/**
 * What is known about one call so far, as it goes through the stages of {@link ExecutionService}: the request, who
 * pays, the hold, the upstream's timing; what its usage record and metrics line are written from.
 */
final class CallAttempt {
    final Acting acting;
        final ExecutionRequest request;
        final Provider provider;
        final Operation operation;
        final String requestId;
        final long startedNanos;
        final Instant at;
        /** Set when the provider's answer is streamed through to the caller. */
        StreamingCall streaming;
        Payer payer;
        String model;
        String holdId;
        OutputCap outputCap;
        String outputCapSetBy;
        boolean released;
        long upstreamMs;
        boolean upstreamCalled;
        long chargedMicros;
        boolean recorded;

        CallAttempt(Acting acting, ExecutionRequest request, Provider provider, Operation operation, String requestId,
                Instant at) {
            this.acting = acting;
            this.request = request;
            this.provider = provider;
            this.operation = operation;
            this.requestId = requestId;
            this.startedNanos = System.nanoTime();
            this.at = at;
        }

        String accountId() {
            return acting.accountId();
        }

        String idempotencyKey() {
            return request.idempotencyKey();
        }

        long elapsedMs() {
            return (System.nanoTime() - startedNanos) / 1_000_000;
        }
}
