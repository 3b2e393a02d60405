package dev.tollgate.vault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.Paging;
import java.util.LinkedHashMap;
import java.util.Map;

/** The operator API's platform keys and rewrap ({@code /admin/v1/*}): JSON to {@link KeyRegistry} calls and back. */
public final class VaultApi {
    private final KeyRegistry keys;

    public VaultApi(KeyRegistry keys) {
        this.keys = keys;
    }

    public ApiResponse listPlatformKeys(ApiRequest r, String actor) {
        return ApiResponse.ok(Map.of("data", keys.platformKeys().stream().map(VaultApi::metadata).toList()));
    }

    public ApiResponse setPlatformKey(ApiRequest r, String actor) {
        String secret = Bodies.secret(r.jsonBody(), "api_key");
        KeyRegistry.Registered registered = keys.setPlatformKey(actor, r.pathParameter("provider"), secret);
        Map<String, Object> view = metadata(registered.key());
        view.put("replaced", registered.replaced());
        return ApiResponse.ok(view);
    }

    public ApiResponse deletePlatformKey(ApiRequest r, String actor) {
        keys.deletePlatformKey(r.pathParameter("provider"), actor);
        return ApiResponse.noContent();
    }

    public ApiResponse rewrap(ApiRequest r, String actor) {
        JsonNode body = r.jsonBody();
        String target = Bodies.requireString(body, "to_kms_key", 2048);
        String cursor = Bodies.optionalString(body, "cursor", 4096).orElse(null);
        JsonNode limitNode = body.path("limit");
        int limit = limitNode.isMissingNode() ? 25
                : limitNode.isIntegralNumber() && limitNode.canConvertToInt() ? limitNode.intValue() : 0;
        if (limit < 1 || limit > Paging.MAX_LIMIT) {
            throw TollgateException.validation("/limit", "limit must be a whole number from 1 to " + Paging.MAX_LIMIT);
        }
        KeyRegistry.RewrapReport report = keys.rewrap(target, cursor, limit, actor);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("examined", report.examined());
        view.put("rewrapped", report.rewrapped());
        view.put("unchanged", report.unchanged());
        view.put("skipped", report.skipped());
        view.put("failed", report.failed());
        view.put("next_cursor", report.nextCursor());
        return ApiResponse.ok(view);
    }

    static Map<String, Object> metadata(ProviderKey key) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("provider", key.provider());
        view.put("id", key.id());
        view.put("status", key.status().wire());
        view.put("hint", key.hint());
        view.put("created_at", key.createdAt().toString());
        return view;
    }
}
