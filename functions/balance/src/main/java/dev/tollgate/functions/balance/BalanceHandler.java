package dev.tollgate.functions.balance;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.Services;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Paging;
import dev.tollgate.http.Router;

/**
 * Balance function: {@code GET /api/v1/key}, {@code /ledger} and {@code /usage}, and API Gateway's {@code $default} route, so that unknown paths and
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
        this.router = new Router()
                .route("GET /api/v1/key", request -> ApiResponse.ok(keyInfo.describe(gate.enter(request))))
                .route("GET /api/v1/ledger", request -> ApiResponse.ok(activity.ledger(gate.enter(request).accountId(),
                        Paging.cursor(request), Paging.limit(request, 20))))
                .route("GET /api/v1/usage", request -> ApiResponse.ok(activity.usage(gate.enter(request).accountId(),
                        request.query("from").orElse(null), request.query("to").orElse(null),
                        request.query("group_by").orElse(null))));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event);
    }
}
