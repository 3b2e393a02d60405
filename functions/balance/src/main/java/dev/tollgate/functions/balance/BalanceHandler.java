package dev.tollgate.functions.balance;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.Services;
import dev.tollgate.audit.AuditWire;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.OpenApiDocument;
import dev.tollgate.http.Paging;
import dev.tollgate.http.Router;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Balance function: {@code GET /api/v1/key}, {@code /ledger}, {@code /usage}, {@code /audit} (lists newest first, cursor
 * pages), the API's contract {@code GET /api/v1/openapi.json} (public), and API Gateway's {@code $default} route, so that unknown paths and
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
        var activity = services.accountActivity();
        var audit = services.auditLog();
        this.router = new Router()
                .route("GET /api/v1/openapi.json", request -> OpenApiDocument.response())
                .route("GET /api/v1/key", request -> ApiResponse.ok(keyInfo.describe(gate.enter(request))))
                .route("GET /api/v1/ledger", request -> ApiResponse.ok(activity.ledger(gate.enter(request).accountId(),
                        Paging.cursor(request), Paging.limit(request, 20))))
                .route("GET /api/v1/usage", request -> ApiResponse.ok(activity.usage(gate.enter(request).accountId(),
                        request.query("from").orElse(null), request.query("to").orElse(null),
                        request.query("group_by").orElse(null))))
                .route("GET /api/v1/audit", request -> {
                    String accountId = gate.enter(request).accountId();
                    var page = audit.entries(accountId, Paging.cursor(request), Paging.limit(request, 50));
                    Map<String, Object> view = new LinkedHashMap<>();
                    view.put("data", page.items().stream().map(AuditWire::view).toList());
                    view.put("next_cursor", page.nextCursor());
                    return ApiResponse.ok(view);
                });
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }
}
