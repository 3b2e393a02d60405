package dev.tollgate.functions.balance;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.Services;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Router;

/**
 * Balance function: {@code GET /api/v1/key}, and API Gateway's {@code $default} route, so that unknown paths and
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
        this.router = new Router()
                .route("GET /api/v1/key", request -> ApiResponse.ok(keyInfo.describe(gate.enter(request))));
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event);
    }
}
