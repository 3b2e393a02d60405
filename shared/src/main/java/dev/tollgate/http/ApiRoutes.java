package dev.tollgate.http;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every route of the public and operator API, as API Gateway route keys. template.yaml declares the same set
 * (a test keeps them equal); the fallback uses it to tell 405 (known path, other method) from 404.
 */
public final class ApiRoutes {
    public static final Set<String> ALL = Set.copyOf(List.of(
            "GET /api/v1/key",
            "GET /api/v1/ledger",
            "GET /api/v1/usage",
            "POST /api/v1/execute",
            "GET /api/v1/tools",
            "POST /mcp",
            "GET /mcp",
            "DELETE /mcp",
            "POST /admin/v1/accounts",
            "GET /admin/v1/accounts/{id}",
            "PATCH /admin/v1/accounts/{id}",
            "POST /admin/v1/accounts/{id}/api-keys",
            "GET /admin/v1/accounts/{id}/api-keys",
            "DELETE /admin/v1/api-keys/{key_id}",
            "POST /admin/v1/accounts/{id}/topups",
            "POST /admin/v1/accounts/{id}/adjustments",
            "GET /api/v1/audit",
            "POST /api/v1/byok",
            "GET /api/v1/byok",
            "GET /api/v1/byok/{id}",
            "DELETE /api/v1/byok/{id}",
            "POST /api/v1/byok/{id}/verify",
            "GET /admin/v1/platform-keys",
            "PUT /admin/v1/platform-keys/{provider}",
            "DELETE /admin/v1/platform-keys/{provider}",
            "GET /admin/v1/accounts/{id}/audit",
            "POST /admin/v1/rewrap",
            "POST /api/v1/workspaces",
            "GET /api/v1/workspaces",
            "GET /api/v1/workspaces/{ws}",
            "GET /api/v1/workspaces/{ws}/members",
            "POST /api/v1/workspaces/{ws}/members",
            "DELETE /api/v1/workspaces/{ws}/members/{account_id}",
            "POST /api/v1/workspaces/{ws}/agents",
            "GET /api/v1/workspaces/{ws}/agents",
            "GET /api/v1/workspaces/{ws}/agents/{agent_id}",
            "PATCH /api/v1/workspaces/{ws}/agents/{agent_id}",
            "DELETE /api/v1/workspaces/{ws}/agents/{agent_id}",
            "POST /api/v1/workspaces/{ws}/keys",
            "GET /api/v1/workspaces/{ws}/keys",
            "GET /api/v1/workspaces/{ws}/keys/{id}",
            "PATCH /api/v1/workspaces/{ws}/keys/{id}",
            "DELETE /api/v1/workspaces/{ws}/keys/{id}",
            "POST /api/v1/workspaces/{ws}/keys/{id}/verify",
            "GET /api/v1/openapi.json",
            "GET /v1/models",
            "POST /v1/chat/completions"));

    private ApiRoutes() {
    }

    /** The route key whose method and path template match, if any. */
    public static Optional<String> match(String method, String path) {
        for (String key : ALL) {
            int space = key.indexOf(' ');
            if (key.substring(0, space).equals(method) && templateMatches(key.substring(space + 1), path)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    public static boolean pathExists(String path) {
        return !methodsFor(path).isEmpty();
    }

    public static List<String> methodsFor(String path) {
        Set<String> methods = new LinkedHashSet<>();
        for (String key : ALL) {
            int space = key.indexOf(' ');
            if (templateMatches(key.substring(space + 1), path)) {
                methods.add(key.substring(0, space));
            }
        }
        List<String> sorted = new ArrayList<>(methods);
        sorted.sort(null);
        return sorted;
    }

    static boolean templateMatches(String template, String path) {
        String[] t = template.split("/", -1);
        String[] p = stripTrailingSlash(path).split("/", -1);
        if (t.length != p.length) {
            return false;
        }
        for (int i = 0; i < t.length; i++) {
            boolean variable = t[i].startsWith("{") && t[i].endsWith("}");
            if (variable ? p[i].isEmpty() : !t[i].equals(p[i])) {
                return false;
            }
        }
        return true;
    }

    private static String stripTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
