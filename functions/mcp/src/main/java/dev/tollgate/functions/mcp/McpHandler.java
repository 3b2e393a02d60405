package dev.tollgate.functions.mcp;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.Services;
import dev.tollgate.http.Router;
import dev.tollgate.mcp.McpEndpoint;

/**
 * MCP function: {@code POST /mcp} (Streamable HTTP, stateless, JSON responses); {@code GET}/{@code DELETE /mcp}
 * answer 405. Transport rules, JSON-RPC and tool calls live in {@code dev.tollgate.mcp}; tool calls run through the
 * same execution engine as {@code POST /api/v1/execute}.
 */
public final class McpHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Router router;

    public McpHandler() {
        this(Services.fromEnvironment());
    }

    public McpHandler(Services services) {
        this(services.mcpEndpoint());
    }

    public McpHandler(McpEndpoint mcp) {
        this.router = new Router()
                .route("POST /mcp", mcp::post)
                .route("GET /mcp", mcp::methodNotAllowed)
                .route("DELETE /mcp", mcp::methodNotAllowed);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event);
    }
}
