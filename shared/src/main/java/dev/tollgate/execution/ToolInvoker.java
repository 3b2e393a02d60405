package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.catalog.ToolDirectory;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ErrorResponses;
import dev.tollgate.json.Json;
import dev.tollgate.log.Log;
import java.util.function.Function;

/**
 * One tool call as the protocol doors make it — MCP {@code tools/call}, A2A {@code message/send}, an OpenAI tool call
 * of {@code POST /api/v1/tool-calls}: a catalog operation through the one {@link ToolExecutor} (so resolution, holds,
 * idempotency, usage and errors are REST's), or the free built-in {@value #ACCOUNT_TOOL}. Every failure comes back
 * as the error object of {@link ErrorResponses#callError}, never as an exception, so a door can answer it in its own
 * shape (an {@code isError} result, a failed task, a tool message).
 */
public final class ToolInvoker {
    /** The free built-in tool: the caller's account as {@code GET /api/v1/key} shows it. */
    public static final String ACCOUNT_TOOL = "tollgate_account";
    private static final Log LOG = Log.get(ToolInvoker.class);

    private final ToolExecutor executor;
    private final Function<Acting, ?> accountInfo;
    private final ToolDirectory directory;

    /**
     * @param accountInfo what {@value #ACCOUNT_TOOL} returns, {@code GET /api/v1/key}'s body (KeyInfoService)
     */
    public ToolInvoker(ToolExecutor executor, Function<Acting, ?> accountInfo, ProviderCatalog catalog) {
        this(executor, accountInfo, ToolDirectory.of(catalog));
    }

    /** @param directory resolves tool names, federated MCP servers' tools included, without calling any server */
    public ToolInvoker(ToolExecutor executor, Function<Acting, ?> accountInfo, ToolDirectory directory) {
        this.executor = executor;
        this.accountInfo = accountInfo;
        this.directory = directory;
    }

    /**
     * True for {@value #ACCOUNT_TOOL}, every catalog tool name ({@code {tool}_{operation}}) and every name of a
     * federated server's shape. Whether a federated server has that tool, and answers, is the engine's question: an
     * unreachable server is a {@code provider_unavailable} outcome, as it is over REST.
     */
    public boolean knows(String toolName) {
        return ACCOUNT_TOOL.equals(toolName) || directory.parse(toolName).isPresent();
    }

    /** The provider {@code toolName} calls (null for the built-in tool or an unknown name). */
    public String providerOf(String toolName) {
        return directory.providerOf(toolName);
    }

    /** True when {@code toolName} belongs to a federated MCP server, whose results are MCP tool results themselves. */
    public boolean isFederated(String toolName) {
        return directory.parse(toolName).flatMap(name -> directory.provider(name.tool()))
                .map(dev.tollgate.catalog.Provider::isFederated).orElse(false);
    }

    /** Calls a tool by its MCP/OpenAI name; an unknown name is an {@code unknown_tool} failure. */
    public CallOutcome callByName(Acting acting, String toolName, JsonNode arguments, String idempotencyKey,
                                  String runId, String requestId) {
        if (ACCOUNT_TOOL.equals(toolName)) {
            return account(acting, requestId);
        }
        ToolDirectory.ToolName name = directory.parse(toolName).orElse(null);
        if (name == null) {
            return CallOutcome.failure(ErrorResponses.callError(new TollgateException(ErrorCode.UNKNOWN_TOOL,
                    "There is no tool '" + ExecutionService.shorten(toolName) + "'; GET /api/v1/tools lists them"),
                    requestId));
        }
        return call(acting, name.tool(), name.operation(), arguments, idempotencyKey, runId, requestId);
    }

    /**
     * Calls {@code operation} of {@code tool} with {@code input} (none = {@code {}}), as part of run {@code runId} (or
     * none). The engine receives the body REST
     * would have received for the same call, so an idempotency key replays the same way through every door.
     */
    public CallOutcome call(Acting acting, String tool, String operation, JsonNode input, String idempotencyKey,
                            String runId, String requestId) {
        if ("tollgate".equals(tool) && "account".equals(operation)) {
            return account(acting, requestId);
        }
        JsonNode in = input == null || input.isNull() ? Json.object() : input;
        ObjectNode body = Json.object();
        body.put("tool", tool);
        body.put("operation", operation);
        body.set("input", in);
        try {
            return CallOutcome.of(executor.execute(acting,
                    new ExecutionRequest(tool, operation, in, idempotencyKey, requestId, body, runId)));
        } catch (TollgateException e) {
            return CallOutcome.failure(ErrorResponses.callError(e, requestId));
        } catch (RuntimeException e) {
            LOG.error("tool call failed", e, "tool", ExecutionService.shorten(tool), "operation",
                    ExecutionService.shorten(operation));
            return CallOutcome.failure(ErrorResponses.callError(ErrorResponses.internalError(), requestId));
        }
    }

    private CallOutcome account(Acting acting, String requestId) {
        try {
            JsonNode info = Json.MAPPER.valueToTree(accountInfo.apply(acting));
            ObjectNode billing = Json.object();
            billing.put("mode", "free");
            billing.put("credits_charged", 0);
            billing.set("credits_remaining", info.path("credits_remaining"));
            billing.put("request_id", requestId);
            return CallOutcome.success(info, billing);
        } catch (TollgateException e) {
            return CallOutcome.failure(ErrorResponses.callError(e, requestId));
        } catch (RuntimeException e) {
            LOG.error("account tool failed", e);
            return CallOutcome.failure(ErrorResponses.callError(ErrorResponses.internalError(), requestId));
        }
    }
}
