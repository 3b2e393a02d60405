package dev.tollgate.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.account.AccountService;
import dev.tollgate.account.IssuedApiKey;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.audit.AuditWire;
import dev.tollgate.auth.ApiKeyRecord;
import dev.tollgate.billing.Balance;
import dev.tollgate.billing.TopUpResult;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.Bodies;
import dev.tollgate.app.AdminGate;
import dev.tollgate.app.Services;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Paging;
import dev.tollgate.http.Router;
import dev.tollgate.vault.EnvelopeKeyVault;
import dev.tollgate.vault.KeyRegistry;
import dev.tollgate.vault.ProviderKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Operator API {@code /admin/v1/*} (SPEC §9.3): accounts, API keys, top-ups and adjustments, platform provider keys,
 * audit logs (read by {@code ./tollgate admin audit verify}) and the rewrap of every data key under another CMK.
 */
public final class AdminHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Router router;

    public AdminHandler() {
        this(Services.fromEnvironment());
    }

    public AdminHandler(Services services) {
        AdminGate gate = services.adminGate();
        OperatorApi api = new OperatorApi(services.accountService());
        VaultApi vault = new VaultApi(services.keyRegistry(), services.auditLog(), services.accountService());
        this.router = new Router()
                .route("POST /admin/v1/accounts", r -> api.createAccount(r, gate.enter(r)))
                .route("GET /admin/v1/accounts/{id}", r -> api.getAccount(r, gate.enter(r)))
                .route("PATCH /admin/v1/accounts/{id}", r -> api.updateAccount(r, gate.enter(r)))
                .route("POST /admin/v1/accounts/{id}/api-keys", r -> api.issueApiKey(r, gate.enter(r)))
                .route("GET /admin/v1/accounts/{id}/api-keys", r -> api.listApiKeys(r, gate.enter(r)))
                .route("DELETE /admin/v1/api-keys/{key_id}", r -> api.revokeApiKey(r, gate.enter(r)))
                .route("POST /admin/v1/accounts/{id}/topups", r -> api.topUp(r, gate.enter(r)))
                .route("POST /admin/v1/accounts/{id}/adjustments", r -> api.adjust(r, gate.enter(r)))
                .route("GET /admin/v1/platform-keys", r -> vault.listPlatformKeys(r, gate.enter(r)))
                .route("PUT /admin/v1/platform-keys/{provider}", r -> vault.setPlatformKey(r, gate.enter(r)))
                .route("DELETE /admin/v1/platform-keys/{provider}", r -> vault.deletePlatformKey(r, gate.enter(r)))
                .route("GET /admin/v1/accounts/{id}/audit", r -> vault.audit(r, gate.enter(r)))
                .route("POST /admin/v1/rewrap", r -> vault.rewrap(r, gate.enter(r)));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }

    /** Maps operator JSON to {@link AccountService} calls and results back to JSON; no business rules here. */
    static final class OperatorApi {
        private static final int MAX_NAME = 200;
        private static final int MAX_REFERENCE = 200;

        private final AccountService accounts;

        OperatorApi(AccountService accounts) {
            this.accounts = accounts;
        }

        ApiResponse createAccount(ApiRequest r, String actor) {
            JsonNode body = r.jsonBody();
            Account.Type type = Account.Type.parse(Bodies.optionalString(body, "type", 20).orElse("personal"));
            Plan plan = Plan.parse(Bodies.optionalString(body, "plan", 20).orElse("free"));
            String name = Bodies.optionalString(body, "name", MAX_NAME).orElse("");
            return ApiResponse.created(accountView(accounts.create(type, plan, name, actor)));
        }

        ApiResponse getAccount(ApiRequest r, String actor) {
            return ApiResponse.ok(accountView(accounts.require(r.pathParameter("id"))));
        }

        ApiResponse updateAccount(ApiRequest r, String actor) {
            JsonNode body = r.jsonBody();
            Plan plan = Bodies.optionalString(body, "plan", 20).map(Plan::parse).orElse(null);
            Account.Status status = Bodies.optionalString(body, "status", 20).map(Account.Status::parse).orElse(null);
            if (plan == null && status == null) {
                throw TollgateException.validation("/plan", "send 'plan' and/or 'status'");
            }
            return ApiResponse.ok(accountView(accounts.update(r.pathParameter("id"), plan, status, actor)));
        }

        ApiResponse issueApiKey(ApiRequest r, String actor) {
            String name = Bodies.optionalString(r.jsonBodyOrEmpty(), "name", MAX_NAME).orElse("default");
            IssuedApiKey issued = accounts.issueApiKey(r.pathParameter("id"), name, actor);
            Map<String, Object> view = apiKeyView(issued.record());
            view.put("api_key", issued.token());
            return ApiResponse.created(view);
        }

        ApiResponse listApiKeys(ApiRequest r, String actor) {
            return ApiResponse.ok(Map.of("data", accounts.apiKeys(r.pathParameter("id")).stream()
                    .map(OperatorApi::apiKeyView).toList()));
        }

        ApiResponse revokeApiKey(ApiRequest r, String actor) {
            accounts.revokeApiKey(r.pathParameter("key_id"), actor);
            return ApiResponse.noContent();
        }

        ApiResponse topUp(ApiRequest r, String actor) {
            JsonNode body = r.jsonBody();
            long micros = credits(body);
            String reference = Bodies.requireString(body, "reference", MAX_REFERENCE);
            return creditResponse(accounts.topUp(r.pathParameter("id"), micros, reference, actor));
        }

        ApiResponse adjust(ApiRequest r, String actor) {
            JsonNode body = r.jsonBody();
            long micros = credits(body);
            String reason = Bodies.requireString(body, "reason", 500);
            String reference = Bodies.optionalString(body, "reference", MAX_REFERENCE).orElse(null);
            return creditResponse(accounts.adjust(r.pathParameter("id"), micros, reason, reference, actor));
        }

        private static long credits(JsonNode body) {
            long micros;
            try {
                micros = Credits.fromCredits(Bodies.requireDecimal(body, "credits"));
            } catch (IllegalArgumentException e) {
                throw TollgateException.validation("/credits", e.getMessage());
            }
            if (Math.abs(micros) > Credits.MAX_SINGLE_AMOUNT_MICROS) {
                throw TollgateException.validation("/credits", "credits must be at most 10000000 per operation");
            }
            return micros;
        }

        private static ApiResponse creditResponse(TopUpResult result) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("ledger_entry_id", result.ledgerEntryId());
            view.put("credits", Credits.toCredits(result.amount()));
            view.put("credits_remaining", Credits.toCredits(result.creditsRemaining()));
            view.put("replayed", result.replayed());
            return ApiResponse.json(result.replayed() ? 200 : 201, view);
        }

        private Map<String, Object> accountView(Account account) {
            Balance balance = accounts.balance(account.id());
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("account_id", account.id());
            view.put("type", account.type().wire());
            view.put("name", account.name());
            view.put("plan", account.plan().wire());
            view.put("status", account.status().wire());
            view.put("credits_remaining", Credits.toCredits(balance.available()));
            view.put("credits_held", Credits.toCredits(balance.held()));
            view.put("created_at", account.createdAt().toString());
            return view;
        }

        private static Map<String, Object> apiKeyView(ApiKeyRecord key) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("key_id", key.keyId());
            view.put("account_id", key.accountId());
            view.put("principal_type", key.principalType().wire());
            view.put("name", key.name());
            view.put("hint", key.hint());
            view.put("created_at", key.createdAt().toString());
            view.put("last_used_at", key.lastUsedAt() == null ? null : key.lastUsedAt().toString());
            view.put("revoked", key.revoked());
            return view;
        }
    }

    /** Platform keys, audit logs and rewrap: JSON to {@link KeyRegistry} / {@link AuditLog} calls and back. */
    static final class VaultApi {
        private final KeyRegistry keys;
        private final AuditLog audit;
        private final AccountService accounts;

        VaultApi(KeyRegistry keys, AuditLog audit, AccountService accounts) {
            this.keys = keys;
            this.audit = audit;
            this.accounts = accounts;
        }

        ApiResponse listPlatformKeys(ApiRequest r, String actor) {
            return ApiResponse.ok(Map.of("data", keys.platformKeys().stream().map(VaultApi::metadata).toList()));
        }

        ApiResponse setPlatformKey(ApiRequest r, String actor) {
            JsonNode body = r.jsonBody();
            JsonNode apiKey = body.get("api_key");
            if (apiKey != null && !apiKey.isNull() && !apiKey.isTextual()) {
                throw TollgateException.validation("/api_key", "'api_key' must be a string");
            }
            KeyRegistry.Registered registered = keys.setPlatformKey(actor, r.pathParameter("provider"),
                    apiKey == null || apiKey.isNull() ? null : apiKey.textValue());
            Map<String, Object> view = metadata(registered.key());
            view.put("replaced", registered.replaced());
            return ApiResponse.ok(view);
        }

        ApiResponse deletePlatformKey(ApiRequest r, String actor) {
            keys.deletePlatformKey(r.pathParameter("provider"), actor);
            return ApiResponse.noContent();
        }

        ApiResponse audit(ApiRequest r, String actor) {
            String accountId = r.pathParameter("id");
            if (!EnvelopeKeyVault.PLATFORM_ACCOUNT.equals(accountId)) {
                accounts.require(accountId);
            }
            var page = audit.entries(accountId, Paging.cursor(r), Paging.limit(r, Paging.MAX_LIMIT));
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("data", page.items().stream().map(AuditWire::view).toList());
            view.put("next_cursor", page.nextCursor());
            return ApiResponse.ok(view);
        }

        ApiResponse rewrap(ApiRequest r, String actor) {
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
}
