package dev.tollgate.mcp;

import dev.tollgate.app.Acting;
import dev.tollgate.billing.Page;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.execution.ExecutionRequest;
import dev.tollgate.execution.ToolExecutor;
import dev.tollgate.execution.ToolView;
import java.util.List;

/**
 * TODO(lead, issue 5): delete this class and wire {@code Services.toolExecutor()} into {@code Services.mcpEndpoint()}
 * once the execution engine is merged. Until then {@code /mcp} offers only the built-in {@code tollgate_account}
 * and every catalog tool answers {@code provider_unavailable} (as an {@code isError} result, nothing charged).
 */
public final class PendingToolExecutor implements ToolExecutor {
    public static final PendingToolExecutor INSTANCE = new PendingToolExecutor();

    private PendingToolExecutor() {
    }

    @Override
    public ExecutionOutcome execute(Acting acting, ExecutionRequest request) {
        throw new TollgateException(ErrorCode.PROVIDER_UNAVAILABLE, "Tool execution is not available in this build yet");
    }

    @Override
    public Page<ToolView> tools(Acting acting, String cursor, int limit) {
        return new Page<>(List.of(), null);
    }
}
