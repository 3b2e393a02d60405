package dev.tollgate.functions.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.account.OperatorApi;
import dev.tollgate.app.AdminGate;
import dev.tollgate.app.Services;
import dev.tollgate.http.Router;
import dev.tollgate.vault.VaultApi;

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
        OperatorApi api = new OperatorApi(services.accountService(), services.auditLog());
        VaultApi vault = new VaultApi(services.keyRegistry());
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
                .route("GET /admin/v1/accounts/{id}/audit", r -> api.audit(r, gate.enter(r)))
                .route("POST /admin/v1/rewrap", r -> vault.rewrap(r, gate.enter(r)));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }
}
