package dev.tollgate.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Role;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.Paging;
import dev.tollgate.vault.KeyRegistry;
import dev.tollgate.vault.ProviderKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The BYOK key routes of SPEC §6.1–6.3 ({@code /api/v1/byok*} and a workspace's {@code /keys}): JSON in, one
 * {@link KeyRegistry} call, JSON out. Here rather than in vault because deleting a key goes through
 * {@link WorkspaceService}, which refuses (or unbinds) keys agents are pinned to; no key ever appears in a response.
 */
public final class ByokApi {
    private static final int MAX_PROVIDER = 64;
    private static final int MAX_DISPLAY_NAME = 100;

    private final KeyRegistry keys;
    private final WorkspaceService workspaces;

    public ByokApi(KeyRegistry keys, WorkspaceService workspaces) {
        this.keys = keys;
        this.workspaces = workspaces;
    }

    public ApiResponse register(ApiRequest r, Acting acting) {
        JsonNode body = r.jsonBody();
        String provider = Bodies.requireString(body, "provider", MAX_PROVIDER);
        String displayName = Bodies.optionalString(body, "display_name", MAX_DISPLAY_NAME).orElse(null);
        boolean makeDefault = Bodies.optionalBoolean(body, "default").orElse(false);
        requireManage(acting);
        String secret = Bodies.secret(body, "api_key");
        boolean verifyFirst = r.query("verify").map("true"::equalsIgnoreCase).orElse(false);
        KeyRegistry.Registered registered = acting.isWorkspace()
                ? keys.registerWorkspaceKey(acting.account(), actor(acting), provider, secret, displayName,
                        makeDefault, verifyFirst)
                : keys.registerPersonal(acting.account(), actor(acting), provider, secret, displayName, verifyFirst);
        Map<String, Object> view = identity(registered.key());
        putDefault(view, registered.key());
        view.put("replaced", registered.replaced());
        return ApiResponse.created(view);
    }

    public ApiResponse list(ApiRequest r, Acting acting) {
        requireKeyReader(acting);
        return ApiResponse.ok(keys.list(acting.accountId(), Paging.cursor(r), Paging.limit(r, Paging.MAX_LIMIT))
                .view(ByokApi::metadata));
    }

    public ApiResponse show(ApiRequest r, Acting acting) {
        requireKeyReader(acting);
        return ApiResponse.ok(metadata(keys.get(acting.accountId(), r.pathParameter("id"))));
    }

    public ApiResponse delete(ApiRequest r, Acting acting) {
        requireManage(acting);
        boolean force = r.query("force").map("true"::equalsIgnoreCase).orElse(false);
        workspaces.deleteKey(acting, r.pathParameter("id"), force);
        return ApiResponse.noContent();
    }

    /** Workspace keys: make one the provider's default ({@code {"default": true}}). */
    public ApiResponse update(ApiRequest r, Acting acting) {
        JsonNode body = r.jsonBody();
        requireManage(acting);
        if (!Bodies.optionalBoolean(body, "default").orElse(false)) {
            throw TollgateException.validation("/default",
                    "send {\"default\": true} to make this key its provider's default");
        }
        return ApiResponse.ok(metadata(keys.setDefault(acting.accountId(), r.pathParameter("id"), actor(acting))));
    }

    public ApiResponse verify(ApiRequest r, Acting acting) {
        requireManage(acting);
        KeyRegistry.Verification result = keys.verify(acting.accountId(), r.pathParameter("id"), actor(acting));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("status", result.key().status().wire());
        view.put("provider_status", result.providerStatus());
        view.put("checked_at", result.checkedAt() == null ? null : result.checkedAt().toString());
        view.put("verified", result.verified());
        view.put("message", result.message());
        return ApiResponse.ok(view);
    }

    static Map<String, Object> metadata(ProviderKey key) {
        Map<String, Object> view = identity(key);
        view.put("checked_at", key.checkedAt() == null ? null : key.checkedAt().toString());
        putDefault(view, key);
        return view;
    }

    /** The fields every key response starts with (SPEC §6.1 order); never the secret. */
    private static Map<String, Object> identity(ProviderKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", key.id());
        view.put("provider", key.provider());
        view.put("status", key.status().wire());
        view.put("display_name", key.displayName());
        view.put("hint", key.hint());
        view.put("created_at", key.createdAt().toString());
        return view;
    }

    private static void putDefault(Map<String, Object> view, ProviderKey key) {
        if ("workspace".equals(key.scope())) {
            view.put("default", key.isDefault());
        }
    }

    /**
     * Only the owner of a personal account and workspace admins see key metadata (seed 000: "only you, and
     * workspace admins for workspace keys, can view or modify the key"). Members and agents use the workspace's
     * keys through execution without seeing them.
     */
    private static void requireKeyReader(Acting acting) {
        if (acting.role() == Role.AGENT) {
            throw new TollgateException(ErrorCode.FORBIDDEN, "Agents cannot list or read keys");
        }
        if (!acting.role().canManage()) {
            throw new TollgateException(ErrorCode.FORBIDDEN, "Only workspace admins can see the workspace's keys; "
                    + "your calls in this workspace still use them");
        }
    }

    /** Personal owners and workspace admins write keys; workspace members only read metadata. */
    private static void requireManage(Acting acting) {
        if (!acting.role().canManage()) {
            throw new TollgateException(ErrorCode.FORBIDDEN,
                    "Only workspace admins can register, verify or delete the workspace's keys");
        }
    }

    private static String actor(Acting acting) {
        return "api_key:" + acting.caller().keyId();
    }
}
