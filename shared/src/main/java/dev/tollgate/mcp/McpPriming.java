package dev.tollgate.mcp;

import dev.tollgate.auth.Acting;
import dev.tollgate.auth.Caller;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.execution.ExecutionRequest;
import dev.tollgate.execution.ToolExecutor;
import dev.tollgate.execution.ToolView;
import dev.tollgate.paging.Page;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * Drives one MCP session in memory (initialize, a notification, tools/list, two tools/call) through the real
 * endpoint classes with a stand-in caller and an offline stand-in for the execution engine, so the SDK's schema records, their Jackson
 * (de)serialisers and the dispatch code are loaded and warm before a SnapStart snapshot. Calls no AWS service.
 */
public final class McpPriming {
    private McpPriming() {
    }

    public static void run(ProviderCatalog catalog) {
        Acting acting = new Acting(new Caller("key_priming", Caller.PrincipalType.PERSON, "prn_priming", "acct_priming"),
                new Account("acct_priming", Account.Type.PERSONAL, Plan.PRO, Account.Status.ACTIVE, "priming", Instant.EPOCH));
        McpTools tools = new McpTools(new OfflineExecutor(catalog), a -> Map.of("account_id", a.accountId()), catalog,
                McpSettings.DEFAULT_PAGE_SIZE);
        McpDispatcher dispatcher = new McpDispatcher(tools, "priming");
        String version = McpProtocol.LATEST;
        dispatcher.handle(acting, null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"" + version + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"p\",\"version\":\"1\"}}}",
                "req_priming");
        dispatcher.handle(acting, version, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", "req_priming");
        dispatcher.handle(acting, version, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", "req_priming");
        dispatcher.handle(acting, version, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{"
                + "\"name\":\"" + McpTools.ACCOUNT_TOOL + "\",\"arguments\":{}}}", "req_priming");
        catalog.operations().stream().findFirst().ifPresent(op -> dispatcher.handle(acting, version,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"" + op.toolName()
                        + "\",\"arguments\":{}}}", "req_priming"));
        new McpSettings(Set.of(), McpSettings.DEFAULT_PAGE_SIZE, "priming").originAllowed("https://priming.invalid");
    }

    /** Lists the catalog and fails every call, touching nothing outside the process. */
    private static final class OfflineExecutor implements ToolExecutor {
        private final ProviderCatalog catalog;

        OfflineExecutor(ProviderCatalog catalog) {
            this.catalog = catalog;
        }

        @Override
        public ExecutionOutcome execute(Acting acting, ExecutionRequest request) {
            throw new TollgateException(ErrorCode.PROVIDER_UNAVAILABLE, "priming");
        }

        @Override
        public Page<ToolView> tools(Acting acting, String cursor, int limit) {
            return new Page<>(catalog.operations().stream().limit(limit).map(op -> new ToolView(op.toolName(), op.tool(),
                    op.id(), op.description(), op.inputSchema(), op.pricing().describe(), "credits", null)).toList(), null);
        }
    }
}
