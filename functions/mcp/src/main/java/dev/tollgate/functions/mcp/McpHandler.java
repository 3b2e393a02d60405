package dev.tollgate.functions.mcp;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.Services;
import dev.tollgate.http.Router;
import dev.tollgate.mcp.McpEndpoint;
import dev.tollgate.mcp.McpPriming;
import org.crac.Core;
import org.crac.Resource;

/**
 * MCP function: {@code POST /mcp} (Streamable HTTP, stateless, JSON responses); {@code GET}, {@code DELETE} and
 * every other method on {@code /mcp} answer 405 as a JSON-RPC error. Transport rules, JSON-RPC and tool calls live in
 * {@code dev.tollgate.mcp}; tool calls run through the same execution engine as {@code POST /api/v1/execute}.
 */
public final class McpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>, Resource {
    private final Router router;
    private final Services services;

    /** What Lambda calls; registers this handler (strongly held by the runtime) as a SnapStart hook. */
    public McpHandler() {
        this(Services.fromEnvironment());
        Core.getGlobalContext().register(this);
    }

    public McpHandler(Services services) {
        this(services, services.mcpEndpoint());
    }

    public McpHandler(Services services, McpEndpoint mcp) {
        this.services = services;
        // Every failure, including one the Router catches, is answered as a JSON-RPC error object.
        this.router = new Router(McpEndpoint::rejection)
                .route("POST /mcp", mcp::post)
                .route("GET /mcp", mcp::methodNotAllowed)
                .route("DELETE /mcp", mcp::methodNotAllowed)
                .route("ANY /mcp", mcp::methodNotAllowed);
    }

    /** Before the SnapStart snapshot: warm the MCP path in memory (no AWS call). */
    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        McpPriming.run(services.catalog());
        services.federatedCall().warmUp();
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to refresh: the endpoint holds no connections or credentials.
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }
}
