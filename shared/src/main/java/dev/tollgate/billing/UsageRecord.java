package dev.tollgate.billing;

import java.time.Instant;

/**
 * One executed call, in any mode and with any outcome (SPEC 8.6): analytics, not billing. BYOK and free calls are
 * recorded with 0 credits; failed calls with their error code.
 *
 * @param usageId         time-sortable id ({@code use_…}), the sort key
 * @param mode            {@code byok}, {@code credits}, {@code free}, or {@code none} when the call failed before a
 *                        mode was chosen
 * @param status          {@code ok} or {@code error}
 * @param httpStatus      the status Tollgate answered with
 * @param errorCode       the Tollgate error code, null on success
 * @param latencyMs       time inside Tollgate for the whole execution, upstream included
 * @param upstreamMs      time spent waiting for the provider (0 when it was not called)
 * @param creditsMicros   charged
 * @param unchargedMicros what the provider's reported usage cost beyond the hold, which is never charged
 * @param agentId         the agent that made the call, null when a person did
 * @param runId           the caller's run id ({@code X-Tollgate-Run}, MCP/A2A metadata), null when none was sent
 */
public record UsageRecord(String accountId, String usageId, String requestId, Instant at, String provider,
                          String operation, String mode, String status, int httpStatus, String errorCode,
                          long latencyMs, long upstreamMs, long inputTokens, long outputTokens, long characters,
                          long creditsMicros, long unchargedMicros, String byokKeyId, String keySource, String model,
                          String holdId, String callerKeyId, String agentId, String runId) {

    public boolean isError() {
        return "error".equals(status);
    }
}
