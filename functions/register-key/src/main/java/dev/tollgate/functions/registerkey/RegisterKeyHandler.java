package dev.tollgate.functions.registerkey;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.CustomerGate;
import dev.tollgate.app.Services;
import dev.tollgate.auth.Acting;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.Router;
import dev.tollgate.vault.KeyRegistry;
import dev.tollgate.workspace.ByokApi;
import java.util.function.Function;

/**
 * RegisterKey function: the BYOK key vault routes of SPEC §6.1–6.3 ({@code /api/v1/byok*}). Each route
 * authenticates, calls {@link KeyRegistry} once and maps the result; no key ever appears in a response.
 */
public final class RegisterKeyHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Router router;

    public RegisterKeyHandler() {
        this(Services.fromEnvironment());
    }

    public RegisterKeyHandler(Services services) {
        CustomerGate gate = services.customerGate();
        ByokApi api = new ByokApi(services.keyRegistry(), services.workspaceService());
        // The same operations on the acting account (personal, or a workspace named by header/body) and, for teams,
        // on an explicit workspace path (SPEC §6.2).
        Function<ApiRequest, Acting> inWorkspace = r -> gate.enterWorkspace(r, r.pathParameter("ws"));
        this.router = new Router()
                .route("POST /api/v1/byok", r -> api.register(r, gate.enter(r)))
                .route("GET /api/v1/byok", r -> api.list(r, gate.enter(r)))
                .route("GET /api/v1/byok/{id}", r -> api.show(r, gate.enter(r)))
                .route("DELETE /api/v1/byok/{id}", r -> api.delete(r, gate.enter(r)))
                .route("POST /api/v1/byok/{id}/verify", r -> api.verify(r, gate.enter(r)))
                .route("POST /api/v1/workspaces/{ws}/keys", r -> api.register(r, inWorkspace.apply(r)))
                .route("GET /api/v1/workspaces/{ws}/keys", r -> api.list(r, inWorkspace.apply(r)))
                .route("GET /api/v1/workspaces/{ws}/keys/{id}", r -> api.show(r, inWorkspace.apply(r)))
                .route("PATCH /api/v1/workspaces/{ws}/keys/{id}", r -> api.update(r, inWorkspace.apply(r)))
                .route("DELETE /api/v1/workspaces/{ws}/keys/{id}", r -> api.delete(r, inWorkspace.apply(r)))
                .route("POST /api/v1/workspaces/{ws}/keys/{id}/verify", r -> api.verify(r, inWorkspace.apply(r)));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }
}
