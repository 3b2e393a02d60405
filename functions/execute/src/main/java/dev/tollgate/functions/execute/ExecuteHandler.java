package dev.tollgate.functions.execute;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.CustomerGate;
import dev.tollgate.app.Services;
import dev.tollgate.execution.ExecuteApi;
import dev.tollgate.execution.ExecutionService;
import dev.tollgate.execution.ToolExecutor;
import dev.tollgate.execution.ToolFormats;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Paging;
import dev.tollgate.http.Router;

/**
 * Execute function (SPEC 7, 12.2): {@code POST /api/v1/execute}, {@code GET /api/v1/tools} and
 * {@code POST /api/v1/tool-calls} (an OpenAI answer's tool calls), on the one {@link ToolExecutor} that MCP and A2A
 * use too; {@link ExecuteApi} reads and writes the REST JSON.
 */
public final class ExecuteHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Router router;

    /** Lambda's constructor: also compiles the input schemas now, so SnapStart snapshots them compiled. */
    public ExecuteHandler() {
        this(Services.fromEnvironment());
        if (Services.fromEnvironment().toolExecutor() instanceof ExecutionService execution) {
            execution.warmUp();
        }
    }

    public ExecuteHandler(Services services) {
        CustomerGate gate = services.customerGate();
        ToolExecutor executor = services.toolExecutor();
        this.router = new Router()
                .route("POST /api/v1/execute", r -> ExecuteApi.execute(executor, gate.enter(r, ExecuteApi.toolNamed(r)), r))
                .route("GET /api/v1/tools", r -> ApiResponse.ok(ToolFormats.render(
                        executor.tools(gate.enter(r), Paging.cursor(r), Paging.limit(r, Paging.MAX_LIMIT)),
                        r.query("format").orElse(null))))
                // Built on first use, so that execute's cold start does not pay for the tool-calls wiring.
                .route("POST /api/v1/tool-calls", r -> ApiResponse.ok(services.toolCallBatch().run(gate.enter(r),
                        r.jsonBody(), ExecuteApi.runId(r), r.requestId())));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }
}
