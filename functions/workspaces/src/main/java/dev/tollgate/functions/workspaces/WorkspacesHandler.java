package dev.tollgate.functions.workspaces;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.app.CustomerGate;
import dev.tollgate.app.Services;
import dev.tollgate.auth.Acting;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Role;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.Router;
import dev.tollgate.workspace.Agent;
import dev.tollgate.workspace.Membership;
import dev.tollgate.workspace.WorkspaceService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Workspaces function: workspaces, members and agents (SPEC §9.1, §9.2), and the agents of the acting account
 * ({@code /api/v1/agents*}): personal agents of a person, under the same rules as a workspace's.
 */
public final class WorkspacesHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final int MAX_NAME = 200;
    private static final int MAX_BINDINGS = 50;

    private final Router router;
    private final CustomerGate gate;
    private final WorkspaceService workspaces;

    public WorkspacesHandler() {
        this(Services.fromEnvironment());
    }

    public WorkspacesHandler(Services services) {
        this.gate = services.customerGate();
        this.workspaces = services.workspaceService();
        this.router = new Router()
                .route("POST /api/v1/workspaces", this::create)
                .route("GET /api/v1/workspaces", r -> ApiResponse.ok(Map.of("data",
                        workspaces.list(gate.enter(r)).stream().map(WorkspacesHandler::view).toList())))
                .route("GET /api/v1/workspaces/{ws}", r -> ApiResponse.ok(view(workspaces.get(inWorkspace(r)))))
                .route("GET /api/v1/workspaces/{ws}/members", r -> ApiResponse.ok(Map.of("data",
                        workspaces.members(inWorkspace(r)).stream().map(WorkspacesHandler::view).toList())))
                .route("POST /api/v1/workspaces/{ws}/members", this::addMember)
                .route("DELETE /api/v1/workspaces/{ws}/members/{account_id}", r -> {
                    workspaces.removeMember(inWorkspace(r), r.pathParameter("account_id"));
                    return ApiResponse.noContent();
                })
                .route("POST /api/v1/workspaces/{ws}/agents", r -> createAgent(r, inWorkspace(r)))
                .route("GET /api/v1/workspaces/{ws}/agents", r -> listAgents(inWorkspace(r)))
                .route("GET /api/v1/workspaces/{ws}/agents/{agent_id}", r -> getAgent(r, inWorkspace(r)))
                .route("PATCH /api/v1/workspaces/{ws}/agents/{agent_id}", r -> updateAgent(r, inWorkspace(r)))
                .route("DELETE /api/v1/workspaces/{ws}/agents/{agent_id}", r -> deleteAgent(r, inWorkspace(r)))
                // The same agent operations on the acting account: a person's personal agents, or a workspace's when
                // the request names one (X-Tollgate-Workspace), as /api/v1/byok does for keys.
                .route("POST /api/v1/agents", r -> createAgent(r, gate.enter(r)))
                .route("GET /api/v1/agents", r -> listAgents(gate.enter(r)))
                .route("GET /api/v1/agents/{agent_id}", r -> getAgent(r, gate.enter(r)))
                .route("PATCH /api/v1/agents/{agent_id}", r -> updateAgent(r, gate.enter(r)))
                .route("DELETE /api/v1/agents/{agent_id}", r -> deleteAgent(r, gate.enter(r)));
    }

    private ApiResponse listAgents(Acting acting) {
        return ApiResponse.ok(Map.of("data", workspaces.agents(acting).stream().map(WorkspacesHandler::view).toList()));
    }

    private ApiResponse getAgent(ApiRequest request, Acting acting) {
        return ApiResponse.ok(view(workspaces.agent(acting, request.pathParameter("agent_id"))));
    }

    private ApiResponse updateAgent(ApiRequest request, Acting acting) {
        Map<String, String> bindings = bindings(request.jsonBody(), true);
        return ApiResponse.ok(view(workspaces.updateBindings(acting, request.pathParameter("agent_id"), bindings)));
    }

    private ApiResponse deleteAgent(ApiRequest request, Acting acting) {
        workspaces.deleteAgent(acting, request.pathParameter("agent_id"));
        return ApiResponse.noContent();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }

    private Acting inWorkspace(ApiRequest request) {
        return gate.enterWorkspace(request, request.pathParameter("ws"));
    }

    private ApiResponse create(ApiRequest request) {
        Acting acting = gate.enter(request);
        String name = Bodies.requireString(request.jsonBody(), "name", MAX_NAME);
        return ApiResponse.created(view(workspaces.create(acting, name)));
    }

    private ApiResponse addMember(ApiRequest request) {
        Acting acting = inWorkspace(request);
        JsonNode body = request.jsonBody();
        String accountId = Bodies.requireString(body, "account_id", 64);
        Role role = Role.parseMemberRole(Bodies.optionalString(body, "role", 20).orElse("member"));
        return ApiResponse.created(view(workspaces.addMember(acting, accountId, role)));
    }

    private ApiResponse createAgent(ApiRequest request, Acting acting) {
        JsonNode body = request.jsonBody();
        String name = Bodies.requireString(body, "name", MAX_NAME);
        var created = workspaces.createAgent(acting, name, bindings(body, false));
        Map<String, Object> view = view(created.agent());
        view.put("api_key", created.apiKey().token());
        view.put("key_id", created.apiKey().record().keyId());
        return ApiResponse.created(view);
    }

    private static Map<String, String> bindings(JsonNode body, boolean required) {
        JsonNode node = body.get("key_bindings");
        if (node == null || node.isNull()) {
            if (required) {
                throw TollgateException.validation("/key_bindings", "'key_bindings' is required");
            }
            return Map.of();
        }
        if (!node.isObject() || node.size() > MAX_BINDINGS) {
            throw TollgateException.validation("/key_bindings",
                    "'key_bindings' must be an object of provider → byok_… id (at most " + MAX_BINDINGS + ")");
        }
        Map<String, String> bindings = new TreeMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw TollgateException.validation("/key_bindings/" + e.getKey(), "must be a byok_… key id");
            }
            bindings.put(e.getKey(), e.getValue().asText());
        });
        return bindings;
    }

    private static Map<String, Object> view(WorkspaceService.WorkspaceView w) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", w.workspace().id());
        view.put("name", w.workspace().name());
        view.put("plan", w.workspace().plan().wire());
        view.put("status", w.workspace().status().wire());
        view.put("role", w.role().wire());
        view.put("created_at", w.workspace().createdAt().toString());
        return view;
    }

    private static Map<String, Object> view(Membership m) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("account_id", m.accountId());
        view.put("role", m.role().wire());
        view.put("added_at", m.addedAt().toString());
        view.put("added_by", m.addedBy());
        return view;
    }

    private static Map<String, Object> view(Agent a) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", a.id());
        view.put("account_id", a.workspaceId());
        view.put("workspace", Ids.looksLike(a.workspaceId(), "ws") ? a.workspaceId() : null);
        view.put("name", a.name());
        view.put("key_bindings", a.keyBindings());
        view.put("created_at", a.createdAt().toString());
        return view;
    }
}
