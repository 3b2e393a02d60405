package dev.tollgate.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Role;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Bodies;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Workspaces, members and agents (SPEC §9.1, §9.2) as JSON: each route is one {@link WorkspaceService} call on the
 * acting account the handler authenticated (a workspace named by the path, or the caller's own account).
 */
public final class WorkspacesApi {
    private static final int MAX_NAME = 200;
    private static final int MAX_BINDINGS = 50;

    private final WorkspaceService workspaces;

    public WorkspacesApi(WorkspaceService workspaces) {
        this.workspaces = workspaces;
    }

    public ApiResponse create(ApiRequest request, Acting acting) {
        String name = Bodies.requireString(request.jsonBody(), "name", MAX_NAME);
        return ApiResponse.created(view(workspaces.create(acting, name)));
    }

    public ApiResponse list(Acting acting) {
        return ApiResponse.ok(Map.of("data", workspaces.list(acting).stream().map(WorkspacesApi::view).toList()));
    }

    public ApiResponse get(Acting acting) {
        return ApiResponse.ok(view(workspaces.get(acting)));
    }

    public ApiResponse members(Acting acting) {
        return ApiResponse.ok(Map.of("data", workspaces.members(acting).stream().map(WorkspacesApi::view).toList()));
    }

    public ApiResponse addMember(ApiRequest request, Acting acting) {
        JsonNode body = request.jsonBody();
        String accountId = Bodies.requireString(body, "account_id", 64);
        Role role = Role.parseMemberRole(Bodies.optionalString(body, "role", 20).orElse("member"));
        return ApiResponse.created(view(workspaces.addMember(acting, accountId, role)));
    }

    public ApiResponse removeMember(ApiRequest request, Acting acting) {
        workspaces.removeMember(acting, request.pathParameter("account_id"));
        return ApiResponse.noContent();
    }

    public ApiResponse createAgent(ApiRequest request, Acting acting) {
        JsonNode body = request.jsonBody();
        String name = Bodies.requireString(body, "name", MAX_NAME);
        var created = workspaces.createAgent(acting, name, bindings(body, false));
        Map<String, Object> view = view(created.agent());
        view.put("api_key", created.apiKey().token());
        view.put("key_id", created.apiKey().record().keyId());
        return ApiResponse.created(view);
    }

    public ApiResponse listAgents(Acting acting) {
        return ApiResponse.ok(Map.of("data", workspaces.agents(acting).stream().map(WorkspacesApi::view).toList()));
    }

    public ApiResponse getAgent(ApiRequest request, Acting acting) {
        return ApiResponse.ok(view(workspaces.agent(acting, request.pathParameter("agent_id"))));
    }

    public ApiResponse updateAgent(ApiRequest request, Acting acting) {
        Map<String, String> bindings = bindings(request.jsonBody(), true);
        return ApiResponse.ok(view(workspaces.updateBindings(acting, request.pathParameter("agent_id"), bindings)));
    }

    public ApiResponse deleteAgent(ApiRequest request, Acting acting) {
        workspaces.deleteAgent(acting, request.pathParameter("agent_id"));
        return ApiResponse.noContent();
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
