package dev.tollgate.functions.execute;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.app.CustomerGate;
import dev.tollgate.app.Services;
import dev.tollgate.auth.Acting;
import dev.tollgate.domain.RunIds;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.execution.ExecutionRequest;
import dev.tollgate.execution.ExecutionService;
import dev.tollgate.execution.ToolExecutor;
import dev.tollgate.execution.ToolFormats;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.Paging;
import dev.tollgate.http.Router;

/**
 * Execute function (SPEC 7, 12.2): {@code POST /api/v1/execute}, {@code GET /api/v1/tools} and
 * {@code POST /api/v1/tool-calls} (an OpenAI answer's tool calls). Parses the request, hands it to the one
 * {@link ToolExecutor} that MCP and A2A use too, and encodes the outcome.
 */
public final class ExecuteHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final int MAX_ID = 64;

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
                .route("POST /api/v1/execute", r -> execute(executor, gate.enter(r, toolNamed(r)), r))
                .route("GET /api/v1/tools", r -> ApiResponse.ok(ToolFormats.render(
                        executor.tools(gate.enter(r), Paging.cursor(r), Paging.limit(r, Paging.MAX_LIMIT)),
                        r.query("format").orElse(null))))
                // Built on first use, so that execute's cold start does not pay for the tool-calls wiring.
                .route("POST /api/v1/tool-calls", r -> ApiResponse.ok(services.toolCallBatch().run(gate.enter(r),
                        r.jsonBody(), runId(r), r.requestId())));
    }

    static ApiResponse execute(ToolExecutor executor, Acting acting, ApiRequest r) {
        JsonNode body = r.jsonBody();
        String workspace = Bodies.optionalString(body, "workspace", MAX_ID).orElse(null);
        if (workspace != null && !workspace.equals(acting.accountId())) {
            throw TollgateException.notFound("Workspace");
        }
        JsonNode input = body.get("input");
        ExecutionRequest request = new ExecutionRequest(Bodies.requireString(body, "tool", MAX_ID),
                Bodies.requireString(body, "operation", MAX_ID), input == null ? null : input,
                r.header("idempotency-key").orElse(null), r.requestId(), body, runId(r));
        ExecutionOutcome outcome = executor.execute(acting, request);
        ApiResponse response = ApiResponse.json(outcome.status(), outcome.body());
        return outcome.replayed() ? response.withHeader("Idempotent-Replayed", "true") : response;
    }

    /** The body's tool (its provider), so the gate reads that provider's key pointers with the API key. */
    private static String toolNamed(ApiRequest r) {
        return r.jsonObjectIfAny().map(body -> body.get("tool")).filter(JsonNode::isTextual).map(JsonNode::asText)
                .orElse(null);
    }

    /** Groups the call, or every call of a tool-calls batch, into a run of the run history (GET /api/v1/runs). */
    private static String runId(ApiRequest r) {
        return RunIds.check(r.header(RunIds.HEADER).orElse(null), "/headers/" + RunIds.HEADER);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }
}
