package dev.tollgate.functions.balance;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.Services;
import dev.tollgate.audit.AuditWire;
import dev.tollgate.billing.ActivityApi;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.OpenApiDocument;
import dev.tollgate.http.Paging;
import dev.tollgate.http.Router;
import java.util.Map;

/**
 * Balance function: {@code GET /api/v1/key}, {@code /providers}, {@code /ledger}, {@code /usage} (both also as CSV), {@code /runs} (the
 * run history), {@code /audit} (lists newest first, cursor pages), the API's contract {@code GET /api/v1/openapi.json}
 * (public), and API Gateway's {@code $default} route, so that unknown paths and
 * wrong methods get Tollgate's error envelope (404 / 405) instead of API Gateway's bare message.
 */
public final class BalanceHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Router router;

    public BalanceHandler() {
        this(Services.fromEnvironment());
    }

    public BalanceHandler(Services services) {
        var gate = services.customerGate();
        var keyInfo = services.keyInfo();
        var activity = new ActivityApi(services.accountActivity());
        var audit = services.auditLog();
        this.router = new Router()
                .route("GET /api/v1/openapi.json", request -> OpenApiDocument.response())
                .route("GET /api/v1/key", request -> ApiResponse.ok(keyInfo.describe(gate.enter(request))))
                .route("GET /api/v1/providers", request -> {
                    gate.enter(request);
                    return ApiResponse.ok(Map.of("data", keyInfo.providers()));
                })
                .route("GET /api/v1/ledger", request -> activity.ledger(request, gate.enter(request).accountId()))
                .route("GET /api/v1/usage", request -> activity.usage(request, gate.enter(request).accountId()))
                .route("GET /api/v1/runs", request -> activity.runs(request, gate.enter(request).accountId()))
                .route("GET /api/v1/runs/{run_id}",
                        request -> activity.runCalls(request, gate.enter(request).accountId()))
                .route("GET /api/v1/audit", request -> ApiResponse.ok(audit.entries(gate.enter(request).accountId(),
                        Paging.cursor(request), Paging.limit(request, 50)).view(AuditWire::view)));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }
}
