package dev.tollgate.functions.a2a;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.a2a.A2aEndpoint;
import dev.tollgate.app.Services;
import dev.tollgate.execution.ExecutionService;
import dev.tollgate.http.ErrorResponses;
import dev.tollgate.http.Router;

/**
 * A2A function (SPEC 12.1): the public agent card {@code GET /.well-known/agent-card.json} and {@code POST /a2a}
 * (A2A 0.3, JSON-RPC binding). The card, JSON-RPC and tasks live in {@code dev.tollgate.a2a}; every
 * {@code message/send} runs the one execution engine that {@code POST /api/v1/execute} uses.
 */
public final class A2aHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Router router;

    /** Lambda's constructor: also compiles the input schemas now, so SnapStart snapshots them compiled. */
    public A2aHandler() {
        this(Services.fromEnvironment());
        if (Services.fromEnvironment().toolExecutor() instanceof ExecutionService execution) {
            execution.warmUp();
        }
    }

    public A2aHandler(Services services) {
        this(services.a2aEndpoint());
    }

    public A2aHandler(A2aEndpoint a2a) {
        this.router = new Router()
                .route("GET /.well-known/agent-card.json", a2a::card)
                // Failures the router itself answers (a body over 1 MiB, a bug) are JSON-RPC errors too, as on /mcp.
                .route("POST /a2a", a2a::post, ErrorResponses::jsonRpcRejection);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }
}
