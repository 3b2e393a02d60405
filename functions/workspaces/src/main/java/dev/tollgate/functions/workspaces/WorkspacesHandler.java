package dev.tollgate.functions.workspaces;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.CustomerGate;
import dev.tollgate.app.Services;
import dev.tollgate.auth.Acting;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.Router;
import dev.tollgate.workspace.WorkspacesApi;
import java.util.function.Function;

/**
 * Workspaces function: workspaces, members and agents (SPEC §9.1, §9.2), and the agents of the acting account
 * ({@code /api/v1/agents*}): personal agents of a person, under the same rules as a workspace's.
 */
public final class WorkspacesHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Router router;

    public WorkspacesHandler() {
        this(Services.fromEnvironment());
    }

    public WorkspacesHandler(Services services) {
        CustomerGate gate = services.customerGate();
        WorkspacesApi api = new WorkspacesApi(services.workspaceService());
        Function<ApiRequest, Acting> inWorkspace = r -> gate.enterWorkspace(r, r.pathParameter("ws"));
        this.router = new Router()
                .route("POST /api/v1/workspaces", r -> api.create(r, gate.enter(r)))
                .route("GET /api/v1/workspaces", r -> api.list(gate.enter(r)))
                .route("GET /api/v1/workspaces/{ws}", r -> api.get(inWorkspace.apply(r)))
                .route("GET /api/v1/workspaces/{ws}/members", r -> api.members(inWorkspace.apply(r)))
                .route("POST /api/v1/workspaces/{ws}/members", r -> api.addMember(r, inWorkspace.apply(r)))
                .route("DELETE /api/v1/workspaces/{ws}/members/{account_id}",
                        r -> api.removeMember(r, inWorkspace.apply(r)))
                .route("POST /api/v1/workspaces/{ws}/agents", r -> api.createAgent(r, inWorkspace.apply(r)))
                .route("GET /api/v1/workspaces/{ws}/agents", r -> api.listAgents(inWorkspace.apply(r)))
                .route("GET /api/v1/workspaces/{ws}/agents/{agent_id}", r -> api.getAgent(r, inWorkspace.apply(r)))
                .route("PATCH /api/v1/workspaces/{ws}/agents/{agent_id}",
                        r -> api.updateAgent(r, inWorkspace.apply(r)))
                .route("DELETE /api/v1/workspaces/{ws}/agents/{agent_id}",
                        r -> api.deleteAgent(r, inWorkspace.apply(r)))
                // The same agent operations on the acting account: a person's personal agents, or a workspace's when
                // the request names one (X-Tollgate-Workspace), as /api/v1/byok does for keys.
                .route("POST /api/v1/agents", r -> api.createAgent(r, gate.enter(r)))
                .route("GET /api/v1/agents", r -> api.listAgents(gate.enter(r)))
                .route("GET /api/v1/agents/{agent_id}", r -> api.getAgent(r, gate.enter(r)))
                .route("PATCH /api/v1/agents/{agent_id}", r -> api.updateAgent(r, gate.enter(r)))
                .route("DELETE /api/v1/agents/{agent_id}", r -> api.deleteAgent(r, gate.enter(r)));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }
}
