package dev.tollgate.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.execution.ExecutionRequest;
import dev.tollgate.execution.ToolExecutor;
import dev.tollgate.execution.ToolView;
import dev.tollgate.json.Json;
import dev.tollgate.paging.Page;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The execution engine as the protocol doors (MCP, A2A, tool calls) see it: lists the real catalog (credits mode, free for free operations) with offset
 * cursors, records every execution and answers with whatever the test scripted.
 */
public final class FakeToolExecutor implements ToolExecutor {
    public final List<ExecutionRequest> executed = new ArrayList<>();
    public final List<Integer> limits = new ArrayList<>();
    private final List<ToolView> views;
    public Function<ExecutionRequest, ExecutionOutcome> answer = FakeToolExecutor::success;

    public FakeToolExecutor(ProviderCatalog catalog) {
        this.views = catalog.operations().stream().map(FakeToolExecutor::view).toList();
    }

    public static ToolView view(Operation op) {
        String mode = op.isFree() ? "free" : "credits";
        return new ToolView(op.toolName(), op.tool(), op.id(), op.description(), op.inputSchema(),
                op.pricing().describe(), mode, null);
    }

    public static ExecutionOutcome success(ExecutionRequest request) {
        ObjectNode body = Json.object();
        body.putObject("result").put("echo", request.operation()).set("input", request.input());
        ObjectNode billing = body.putObject("billing");
        billing.put("mode", "credits");
        billing.put("credits_charged", new java.math.BigDecimal("1"));
        billing.put("provider", request.tool());
        billing.put("credits_remaining", new java.math.BigDecimal("41.5"));
        billing.put("request_id", request.requestId());
        return new ExecutionOutcome(200, body, false);
    }

    public int toolCount() {
        return views.size();
    }

    @Override
    public ExecutionOutcome execute(Acting acting, ExecutionRequest request) {
        executed.add(request);
        return answer.apply(request);
    }

    @Override
    public Page<ToolView> tools(Acting acting, String cursor, int limit) {
        limits.add(limit);
        int offset = 0;
        if (cursor != null) {
            if (!cursor.startsWith("off:")) {
                throw new TollgateException(ErrorCode.INVALID_CURSOR, "Invalid cursor");
            }
            offset = Integer.parseInt(cursor.substring(4));
        }
        int end = Math.min(views.size(), offset + limit);
        return new Page<>(views.subList(offset, end), end < views.size() ? "off:" + end : null);
    }
}
