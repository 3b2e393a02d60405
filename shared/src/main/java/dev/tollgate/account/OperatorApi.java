package dev.tollgate.account;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.audit.AuditWire;
import dev.tollgate.auth.ApiKeyRecord;
import dev.tollgate.billing.Balance;
import dev.tollgate.billing.TopUpResult;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Bodies;
import dev.tollgate.http.Paging;
import dev.tollgate.vault.EnvelopeKeyVault;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operator API's accounts, API keys, credits and audit logs ({@code /admin/v1/*}, SPEC §9.3): operator JSON to
 * {@link AccountService} and {@link AuditLog} calls and results back to JSON; no business rules here.
 */
public final class OperatorApi {
    private static final int MAX_NAME = 200;
    private static final int MAX_REFERENCE = 200;

    private final AccountService accounts;
    private final AuditLog audit;

    public OperatorApi(AccountService accounts, AuditLog audit) {
        this.accounts = accounts;
        this.audit = audit;
    }

    public ApiResponse createAccount(ApiRequest r, String actor) {
        JsonNode body = r.jsonBody();
        Account.Type type = Account.Type.parse(Bodies.optionalString(body, "type", 20).orElse("personal"));
        Plan plan = Plan.parse(Bodies.optionalString(body, "plan", 20).orElse("free"));
        String name = Bodies.optionalString(body, "name", MAX_NAME).orElse("");
        return ApiResponse.created(accountView(accounts.create(type, plan, name, actor)));
    }

    public ApiResponse getAccount(ApiRequest r, String actor) {
        return ApiResponse.ok(accountView(accounts.require(r.pathParameter("id"))));
    }

    public ApiResponse updateAccount(ApiRequest r, String actor) {
        JsonNode body = r.jsonBody();
        Plan plan = Bodies.optionalString(body, "plan", 20).map(Plan::parse).orElse(null);
        Account.Status status = Bodies.optionalString(body, "status", 20).map(Account.Status::parse).orElse(null);
        if (plan == null && status == null) {
            throw TollgateException.validation("/plan", "send 'plan' and/or 'status'");
        }
        return ApiResponse.ok(accountView(accounts.update(r.pathParameter("id"), plan, status, actor)));
    }

    public ApiResponse issueApiKey(ApiRequest r, String actor) {
        String name = Bodies.optionalString(r.jsonBodyOrEmpty(), "name", MAX_NAME).orElse("default");
        IssuedApiKey issued = accounts.issueApiKey(r.pathParameter("id"), name, actor);
        Map<String, Object> view = apiKeyView(issued.record());
        view.put("api_key", issued.token());
        return ApiResponse.created(view);
    }

    public ApiResponse listApiKeys(ApiRequest r, String actor) {
        return ApiResponse.ok(Map.of("data", accounts.apiKeys(r.pathParameter("id")).stream()
                .map(OperatorApi::apiKeyView).toList()));
    }

    public ApiResponse revokeApiKey(ApiRequest r, String actor) {
        accounts.revokeApiKey(r.pathParameter("key_id"), actor);
        return ApiResponse.noContent();
    }

    public ApiResponse topUp(ApiRequest r, String actor) {
        JsonNode body = r.jsonBody();
        long micros = credits(body);
        String reference = Bodies.requireString(body, "reference", MAX_REFERENCE);
        return creditResponse(accounts.topUp(r.pathParameter("id"), micros, reference, actor));
    }

    public ApiResponse adjust(ApiRequest r, String actor) {
        JsonNode body = r.jsonBody();
        long micros = credits(body);
        String reason = Bodies.requireString(body, "reason", 500);
        String reference = Bodies.optionalString(body, "reference", MAX_REFERENCE).orElse(null);
        return creditResponse(accounts.adjust(r.pathParameter("id"), micros, reason, reference, actor));
    }

    public ApiResponse audit(ApiRequest r, String actor) {
        String accountId = r.pathParameter("id");
        if (!EnvelopeKeyVault.PLATFORM_ACCOUNT.equals(accountId)) {
            accounts.require(accountId);
        }
        return ApiResponse.ok(audit.entries(accountId, Paging.cursor(r), Paging.limit(r, Paging.MAX_LIMIT))
                .view(AuditWire::view));
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
