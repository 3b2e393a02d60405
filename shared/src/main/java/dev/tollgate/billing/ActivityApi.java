package dev.tollgate.billing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.CsvExport;
import dev.tollgate.http.Paging;
import java.util.List;
import java.util.stream.Stream;

/**
 * An account's ledger, usage and run history ({@code GET /api/v1/ledger}, {@code /usage}, {@code /runs}) as JSON,
 * and the ledger and usage also as CSV: query parameters to one {@link AccountActivity} call and its result out.
 */
public final class ActivityApi {
    private static final List<CsvExport.Column> LEDGER_COLUMNS = Stream.of("id", "created_at", "type", "amount",
            "balance_change", "hold_id", "request_id", "reference", "reason").map(CsvExport.Column::of).toList();
    private static final List<CsvExport.Column> USAGE_COLUMNS = Stream.concat(
            Stream.of("key", "calls", "errors", "input_tokens", "output_tokens", "characters", "credits")
                    .map(CsvExport.Column::of),
            Stream.of(new CsvExport.Column("latency_p50_ms", "/latency_ms/p50"),
                    new CsvExport.Column("latency_p95_ms", "/latency_ms/p95"))).toList();

    private final AccountActivity activity;

    public ActivityApi(AccountActivity activity) {
        this.activity = activity;
    }

    public ApiResponse ledger(ApiRequest request, String accountId) {
        boolean csv = CsvExport.requested(request);
        ObjectNode page = activity.ledger(accountId, Paging.cursor(request), Paging.limit(request, 20));
        return csv ? CsvExport.response("tollgate-ledger.csv", LEDGER_COLUMNS, page.path("data"),
                page.path("next_cursor").textValue()) : ApiResponse.ok(page);
    }

    public ApiResponse usage(ApiRequest request, String accountId) {
        boolean csv = CsvExport.requested(request);
        ObjectNode usage = activity.usage(accountId, request.query("from").orElse(null),
                request.query("to").orElse(null), request.query("group_by").orElse(null));
        return csv ? CsvExport.response("tollgate-usage-by-" + usage.path("group_by").asText() + ".csv",
                USAGE_COLUMNS, usage.path("groups"), null) : ApiResponse.ok(usage);
    }

    public ApiResponse runs(ApiRequest request, String accountId) {
        return ApiResponse.ok(activity.runs(accountId, request.query("from").orElse(null),
                request.query("to").orElse(null), request.query("agent").orElse(null), Paging.cursor(request),
                Paging.limit(request, 20)));
    }

    public ApiResponse runCalls(ApiRequest request, String accountId) {
        return ApiResponse.ok(activity.runCalls(accountId, request.pathParameter("run_id"), Paging.cursor(request),
                Paging.limit(request, 50)));
    }
}
