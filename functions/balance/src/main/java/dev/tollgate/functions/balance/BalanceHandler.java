package dev.tollgate.functions.balance;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.app.Services;
import dev.tollgate.audit.AuditWire;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.OpenApiDocument;
import dev.tollgate.http.CsvExport;
import dev.tollgate.http.Paging;
import dev.tollgate.http.Router;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Balance function: {@code GET /api/v1/key}, {@code /providers}, {@code /ledger}, {@code /usage} (both also as CSV), {@code /runs} (the
 * run history), {@code /audit} (lists newest first, cursor pages), the API's contract {@code GET /api/v1/openapi.json}
 * (public), and API Gateway's {@code $default} route, so that unknown paths and
 * wrong methods get Tollgate's error envelope (404 / 405) instead of API Gateway's bare message.
 */
public final class BalanceHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final List<CsvExport.Column> LEDGER_COLUMNS = Stream.of("id", "created_at", "type", "amount",
            "balance_change", "hold_id", "request_id", "reference", "reason").map(CsvExport.Column::of).toList();
    private static final List<CsvExport.Column> USAGE_COLUMNS = Stream.concat(
            Stream.of("key", "calls", "errors", "input_tokens", "output_tokens", "characters", "credits")
                    .map(CsvExport.Column::of),
            Stream.of(new CsvExport.Column("latency_p50_ms", "/latency_ms/p50"),
                    new CsvExport.Column("latency_p95_ms", "/latency_ms/p95"))).toList();

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
                .route("GET /api/v1/providers", request -> {
                    gate.enter(request);
                    return ApiResponse.ok(Map.of("data", keyInfo.providers()));
                })
                .route("GET /api/v1/ledger", request -> {
                    String accountId = gate.enter(request).accountId();
                    boolean csv = CsvExport.requested(request);
                    ObjectNode page = activity.ledger(accountId, Paging.cursor(request), Paging.limit(request, 20));
                    return csv ? CsvExport.response("tollgate-ledger.csv", LEDGER_COLUMNS, page.path("data"),
                            page.path("next_cursor").textValue()) : ApiResponse.ok(page);
                })
                .route("GET /api/v1/usage", request -> {
                    String accountId = gate.enter(request).accountId();
                    boolean csv = CsvExport.requested(request);
                    ObjectNode usage = activity.usage(accountId, request.query("from").orElse(null),
                            request.query("to").orElse(null), request.query("group_by").orElse(null));
                    return csv ? CsvExport.response("tollgate-usage-by-" + usage.path("group_by").asText() + ".csv",
                            USAGE_COLUMNS, usage.path("groups"), null) : ApiResponse.ok(usage);
                })
                .route("GET /api/v1/runs", request -> ApiResponse.ok(activity.runs(gate.enter(request).accountId(),
                        request.query("from").orElse(null), request.query("to").orElse(null),
                        request.query("agent").orElse(null), Paging.cursor(request), Paging.limit(request, 20))))
                .route("GET /api/v1/runs/{run_id}", request -> ApiResponse.ok(activity.runCalls(
                        gate.enter(request).accountId(), request.pathParameter("run_id"), Paging.cursor(request),
                        Paging.limit(request, 50))))
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
