package dev.tollgate.execution;

import dev.tollgate.app.Acting;
import dev.tollgate.billing.Page;

/** The one execution engine behind REST and MCP (SPEC §7): same resolution, billing, idempotency and errors. */
public interface ToolExecutor {

    ExecutionOutcome execute(Acting acting, ExecutionRequest request);

    /** Catalog operations for this account with the billing mode that applies now (SPEC §7.5), paginated. */
    Page<ToolView> tools(Acting acting, String cursor, int limit);
}
