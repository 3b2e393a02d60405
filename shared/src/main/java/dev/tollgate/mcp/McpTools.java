package dev.tollgate.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.catalog.Operation;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.catalog.ToolDirectory;
import dev.tollgate.catalog.UpstreamTool;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.RunIds;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.CallOutcome;
import dev.tollgate.execution.ToolExecutor;
import dev.tollgate.execution.ToolInvoker;
import dev.tollgate.execution.ToolView;
import dev.tollgate.http.ErrorResponses;
import dev.tollgate.json.Json;
import dev.tollgate.log.Log;
import dev.tollgate.paging.Page;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ListToolsResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code tools/list} and {@code tools/call} for one account: the catalog operations as the execution engine offers
 * them (SPEC 7.5) plus the free built-in {@value #ACCOUNT_TOOL}, and every call through the same
 * {@link ToolExecutor} as {@code POST /api/v1/execute}, so billing, idempotency and errors cannot differ from REST.
 */
public final class McpTools {
    public static final String ACCOUNT_TOOL = ToolInvoker.ACCOUNT_TOOL;
    public static final String META_PRICE = "tollgate/price";
    public static final String META_BILLING_MODE = "tollgate/billing_mode";
    public static final String META_UNAVAILABLE_REASON = "tollgate/unavailable_reason";
    public static final String META_BILLING = "tollgate/billing";
    public static final String META_ERROR = "tollgate/error";
    public static final String META_REPLAYED = "tollgate/replayed";
    public static final String META_IDEMPOTENCY_KEY = "tollgate/idempotency_key";
    /** Groups the call into a run of the run history, as {@code X-Tollgate-Run} does on REST. */
    public static final String META_RUN = RunIds.METADATA_KEY;
    /** Same limit as the REST {@code Idempotency-Key} header (SPEC 7.3). */
    static final int MAX_IDEMPOTENCY_KEY = 255;

    private static final Log LOG = Log.get(McpTools.class);

    /** First words of operation ids that change something at the provider (send a message, create a link, ...). */
    private static final Set<String> WRITE_VERBS = Set.of("send", "create", "update", "delete", "remove", "cancel",
            "refund", "charge", "post", "put", "patch", "write", "start", "stop");
    private static final Set<String> DESTRUCTIVE_VERBS = Set.of("update", "delete", "remove", "cancel", "refund",
            "patch", "put", "write", "stop");

    private final ToolExecutor executor;
    private final ToolInvoker invoker;
    private final ToolDirectory directory;
    private final int pageSize;

    /**
     * @param accountInfo what {@value #ACCOUNT_TOOL} returns, {@code GET /api/v1/key}'s body (KeyInfoService)
     */
    public McpTools(ToolExecutor executor, Function<Acting, ?> accountInfo, ProviderCatalog catalog, int pageSize) {
        this(executor, accountInfo, ToolDirectory.of(catalog), pageSize);
    }

    /** @param directory resolves tool names, federated MCP servers' tools included */
    public McpTools(ToolExecutor executor, Function<Acting, ?> accountInfo, ToolDirectory directory, int pageSize) {
        this.executor = executor;
        this.invoker = new ToolInvoker(executor, accountInfo, directory);
        this.directory = directory;
        this.pageSize = pageSize;
    }

    /**
     * One page of tools. The cursor is the execution engine's own opaque cursor; the built-in tool leads the first
     * page, which therefore asks the engine for one tool fewer.
     */
    JsonNode list(Acting acting, String cursor) {
        boolean firstPage = cursor == null || cursor.isEmpty();
        Page<ToolView> page;
        try {
            page = executor.tools(acting, firstPage ? null : cursor, firstPage ? pageSize - 1 : pageSize);
        } catch (TollgateException e) {
            if (e.code() == ErrorCode.INVALID_CURSOR || e.code() == ErrorCode.VALIDATION_FAILED) {
                throw JsonRpcException.invalidParams("Invalid cursor", Map.of("code", e.code().code()));
            }
            throw e;
        }
        List<JsonNode> tools = new ArrayList<>();
        if (firstPage) {
            tools.add(accountTool());
        }
        page.items().forEach(view -> tools.add(tool(view)));
        ObjectNode result = (ObjectNode) McpJson.tree(new ListToolsResult(List.of(), page.nextCursor()));
        result.putArray("tools").addAll(tools);
        return result;
    }

    /**
     * Runs a tool. Only a call that names no tool of ours, or malformed params, is a protocol error (-32602); every
     * failure of the execution itself is an {@code isError} result carrying the Tollgate error code, so the model
     * sees it and can react (top up, fix its input, try later).
     */
    JsonNode call(Acting acting, CallToolRequest request, JsonNode arguments, String requestId) {
        String name = request.name();
        if (name == null || name.isBlank()) {
            throw JsonRpcException.invalidParams("'name' is required");
        }
        if (!invoker.knows(name)) {
            throw unknownTool(name);
        }
        String idempotencyKey = idempotencyKey(request.meta());
        CallOutcome outcome = invoker.callByName(acting, name, arguments(arguments), idempotencyKey,
                runId(request.meta()), requestId);
        if (ErrorCode.UNKNOWN_TOOL.code().equals(outcome.errorCode())) {
            throw unknownTool(name);
        }
        CallToolResult result = outcome.failed() ? fromError(outcome) : fromSuccess(outcome, invoker.isFederated(name));
        // A federated tool's own isError result carries no Tollgate error: the call itself succeeded.
        LOG.info("mcp tool call", "tool", name, "is_error", Boolean.TRUE.equals(result.isError()),
                "code", outcome.failed() ? outcome.errorCode() : Boolean.TRUE.equals(result.isError()) ? "tool_error" : "ok");
        return McpJson.tree(result);
    }

    /** The provider a {@code tools/call} of {@code name} calls (null for the built-in tool or an unknown name). */
    String providerOf(String name) {
        return directory.providerOf(name);
    }

    /** The catalog operation a {@code tools/call} of {@code name} calls upstream; empty for the built-in or no tool. */
    Optional<Operation> upstreamOperation(String name) {
        if (name == null || ACCOUNT_TOOL.equals(name)) {
            return Optional.empty();
        }
        try {
            return directory.operationByToolName(name);
        } catch (TollgateException unavailable) {
            return Optional.empty(); // a federated server that does not answer: the call fails without an upstream call
        }
    }

    private static JsonRpcException unknownTool(String name) {
        return JsonRpcException.invalidParams("Unknown tool: " + name, Map.of("tool", name));
    }

    private static String idempotencyKey(Map<String, Object> meta) {
        Object key = meta == null ? null : meta.get(META_IDEMPOTENCY_KEY);
        if (key == null) {
            return null;
        }
        if (!(key instanceof String text) || text.isBlank() || text.length() > MAX_IDEMPOTENCY_KEY) {
            throw JsonRpcException.invalidParams("_meta[\"" + META_IDEMPOTENCY_KEY + "\"] must be a non-empty string of at most "
                    + MAX_IDEMPOTENCY_KEY + " characters");
        }
        return text;
    }

    private static String runId(Map<String, Object> meta) {
        Object run = meta == null ? null : meta.get(META_RUN);
        if (run == null) {
            return null;
        }
        if (!(run instanceof String text) || !RunIds.isValid(text)) {
            throw JsonRpcException.invalidParams("_meta[\"" + META_RUN + "\"] must be " + RunIds.RULE);
        }
        return text;
    }

    /**
     * The arguments as a JSON tree read the way REST reads its body (decimals exact, key order kept), taken from the
     * raw params rather than the SDK's {@code Map<String, Object>} so both doors hand the engine the same input.
     */
    private static ObjectNode arguments(JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return Json.object();
        }
        if (!arguments.isObject()) {
            throw JsonRpcException.invalidParams("'arguments' must be an object");
        }
        return (ObjectNode) arguments;
    }

    private static CallToolResult fromSuccess(CallOutcome outcome, boolean federated) {
        JsonNode result = outcome.result();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(META_BILLING, outcome.billing());
        if (outcome.replayed()) {
            meta.put(META_REPLAYED, true);
        }
        if (!outcome.resultStored()) {
            meta.put("tollgate/result_stored", false);
        }
        if (federated && result != null && result.path("content").isArray()) {
            // A federated server's own CallToolResult: its content (images included), structured content and
            // isError reach the client as the server sent them, with Tollgate's billing beside them.
            CallToolResult upstream = McpJson.SDK.convertValue(result, CallToolResult.class);
            CallToolResult.Builder passed = CallToolResult.builder().content(upstream.content())
                    .isError(Boolean.TRUE.equals(upstream.isError())).meta(meta);
            if (upstream.structuredContent() != null) {
                passed.structuredContent(upstream.structuredContent());
            }
            return passed.build();
        }
        CallToolResult.Builder builder = CallToolResult.builder()
                .addTextContent(Json.write(result))
                .isError(false)
                .meta(meta);
        // structuredContent must be a JSON object; a provider answering with anything else is only in the text.
        if (result.isObject()) {
            builder.structuredContent(result);
        }
        return builder.build();
    }

    private static CallToolResult fromError(CallOutcome outcome) {
        ObjectNode error = outcome.error();
        String text = ErrorResponses.callErrorText(error, error.path("status").asInt());
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(META_ERROR, error);
        if (outcome.replayed()) {
            meta.put(META_REPLAYED, true);
        }
        return CallToolResult.builder().content(List.of(new TextContent(text))).isError(true).meta(meta).build();
    }

    private JsonNode accountTool() {
        ObjectNode schema = McpJson.object();
        schema.put("type", "object");
        schema.putObject("properties");
        schema.put("additionalProperties", false);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(META_PRICE, Map.of("type", "free"));
        meta.put(META_BILLING_MODE, "free");
        Tool tool = Tool.builder()
                .name(ACCOUNT_TOOL)
                .title("Tollgate: account")
                .description("Your Tollgate account: plan, credits remaining and held, the providers you call with "
                        + "your own key (BYOK, 0 credits) and those paid with credits. Free; takes no arguments.")
                .annotations(new ToolAnnotations("Tollgate: account", true, false, true, false, null))
                .meta(meta)
                .build();
        return withSchema(tool, schema);
    }

    private JsonNode tool(ToolView view) {
        Optional<Operation> operation = directory.cachedOperation(view.tool(), view.operation());
        Optional<UpstreamTool> upstream = operation.flatMap(Operation::upstreamTool);
        String providerName = directory.provider(view.tool()).map(Provider::name).orElse(view.tool());
        String title = upstream.map(UpstreamTool::title).filter(t -> !t.isBlank())
                .orElse(providerName + ": " + view.operation().replace('_', ' '));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(META_PRICE, view.price());
        meta.put(META_BILLING_MODE, view.billingMode());
        if (view.unavailableReason() != null) {
            meta.put(META_UNAVAILABLE_REASON, view.unavailableReason());
        }
        Tool tool = Tool.builder()
                .name(view.name())
                .title(title)
                .description(sentence(view.description()) + " " + billingSentence(view, providerName))
                .annotations(upstream.isPresent() ? upstreamAnnotations(title, upstream.get())
                        : annotations(title, view.operation(), operation.map(Operation::method).orElse("POST")))
                .meta(meta)
                .build();
        return withSchema(tool, view.inputSchema());
    }

    /**
     * The catalog's input schema, verbatim. The SDK's {@code McpSchema.JsonSchema} record keeps only a few top-level
     * keywords (type, properties, required, additionalProperties, $defs, definitions) and would drop others, e.g.
     * the {@code anyOf} of Twilio's send_sms.
     */
    private static JsonNode withSchema(Tool tool, ObjectNode inputSchema) {
        ObjectNode node = (ObjectNode) McpJson.tree(tool);
        ObjectNode ordered = McpJson.object();
        node.properties().forEach(e -> {
            ordered.set(e.getKey(), e.getValue());
            if ("description".equals(e.getKey())) {
                ordered.set("inputSchema", inputSchema);
            }
        });
        if (!ordered.has("inputSchema")) {
            ordered.set("inputSchema", inputSchema);
        }
        return ordered;
    }

    /** A federated server's description may end without a full stop; the billing sentence follows it. */
    private static String sentence(String description) {
        String trimmed = description.strip();
        return trimmed.isEmpty() || ".!?".indexOf(trimmed.charAt(trimmed.length() - 1)) >= 0 ? trimmed : trimmed + ".";
    }

    private static String billingSentence(ToolView view, String providerName) {
        String mode = view.billingMode() == null ? "" : view.billingMode();
        return switch (mode) {
            case "byok" -> "Billing: uses your own " + providerName + " key (0 credits).";
            case "credits" -> "Billing: paid with your Tollgate credits (price in _meta).";
            case "free" -> "Billing: free.";
            case "unavailable" -> "Billing: currently unavailable for your account ("
                    + (view.unavailableReason() == null ? "no key" : view.unavailableReason()) + ").";
            default -> "";
        };
    }

    /** A federated tool's hints are the upstream server's own (it knows whether the tool only reads); none if it gave none. */
    private static ToolAnnotations upstreamAnnotations(String title, UpstreamTool upstream) {
        ObjectNode declared = upstream.annotations();
        if (declared == null) {
            return new ToolAnnotations(title, null, null, null, null, null);
        }
        ToolAnnotations hints = McpJson.SDK.convertValue(declared, ToolAnnotations.class);
        return new ToolAnnotations(hints.title() == null ? title : hints.title(), hints.readOnlyHint(),
                hints.destructiveHint(), hints.idempotentHint(), hints.openWorldHint(), hints.returnDirect());
    }

    /**
     * Hints for the client's approval UI, from the operation's verb: {@code send_sms}, {@code create_payment_link}
     * change the world and are not idempotent; searches, listings, completions and scrapes only read (a {@code GET}
     * always does). Every catalog tool reaches an outside service, hence openWorld.
     */
    static ToolAnnotations annotations(String title, String operationId, String httpMethod) {
        String verb = operationId.toLowerCase(Locale.ROOT).split("_", 2)[0];
        boolean readOnly = "GET".equalsIgnoreCase(httpMethod) || !WRITE_VERBS.contains(verb);
        if (readOnly) {
            return new ToolAnnotations(title, true, false, true, true, null);
        }
        return new ToolAnnotations(title, false, DESTRUCTIVE_VERBS.contains(verb), false, true, null);
    }
}
