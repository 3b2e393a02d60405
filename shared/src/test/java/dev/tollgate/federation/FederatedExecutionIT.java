package dev.tollgate.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.billing.LedgerEntry;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.catalog.ToolDirectory;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.AgentKeyBindings;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.execution.ExecutionRequest;
import dev.tollgate.execution.ExecutionService;
import dev.tollgate.execution.ToolView;
import dev.tollgate.json.Json;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.McpTestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tools of federated MCP servers (SPEC 12.3) through the one execution engine, against a real MCP server built with
 * the official SDK ({@link McpTestServer}) and DynamoDB Local: free calls, a priced server billed exactly per call
 * with the platform token, BYOK tokens (and a refused one), a token the server echoes (redacted), isError results
 * billed as results, JSON-RPC errors, upstream schema validation, an unreachable server and a silent one.
 */
class FederatedExecutionIT {
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;
    private static final String PLATFORM_TOKEN = "tok_platform0001";
    private static final String CUSTOMER_TOKEN = "tok_customer0001";

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static ExecutionHarness h;
    private static McpTestServer upstream;
    private static ServerSocket silent;
    private static final List<Socket> held = new ArrayList<>();
    private static McpFederation federation;
    private static ExecutionService engine;
    private static ToolDirectory directory;

    @BeforeAll
    static void start() throws IOException {
        h = ExecutionHarness.start(DYNAMO);
        upstream = McpTestServer.start(0, List.of(
                McpTestServer.Endpoint.open("/free/mcp", McpTestServer.demoTools()),
                new McpTestServer.Endpoint("/paid/mcp", McpTestServer.demoTools(), Set.of(PLATFORM_TOKEN, CUSTOMER_TOKEN))));
        // Accepts connections and never answers: a server that hangs before its first byte.
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    held.add(silent.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String catalog = """
                {"providers": [
                  {"id": "free", "name": "Free MCP", "kind": "mcp", "url": "%s", "auth": "none", "byok": false,
                   "platform_key": false, "pricing": {"type": "free"}},
                  {"id": "paid", "name": "Paid MCP", "kind": "mcp", "url": "%s", "auth": "bearer",
                   "key_pattern": "^tok_[a-z0-9]+$", "key_format": "tok_…", "byok": true, "platform_key": true,
                   "pricing": {"type": "per_call", "credits": "0.5"}, "tools": ["add", "fail", "hang", "echo"]},
                  {"id": "paidfast", "name": "Paid MCP, short timeout", "kind": "mcp", "url": "%s", "auth": "bearer",
                   "key_pattern": "^tok_[a-z0-9]+$", "key_format": "tok_…", "byok": false, "platform_key": true,
                   "timeout_ms": 1000, "pricing": {"type": "per_call", "credits": "0.5"}},
                  {"id": "gone", "name": "Gone MCP", "kind": "mcp", "url": "http://127.0.0.1:%d/mcp", "auth": "none",
                   "byok": false, "platform_key": false, "pricing": {"type": "free"}},
                  {"id": "silent", "name": "Silent MCP", "kind": "mcp", "url": "http://127.0.0.1:%d/mcp", "auth": "none",
                   "byok": false, "platform_key": false, "pricing": {"type": "free"}},
                  {"id": "selfhosted", "name": "Not configured", "kind": "mcp", "url": null, "auth": "none",
                   "byok": false, "platform_key": false, "pricing": {"type": "free"}}
                ]}""".formatted(upstream.url("/free/mcp"), upstream.url("/paid/mcp"), upstream.url("/paid/mcp"),
                closedPort, silent.getLocalPort());
        ProviderCatalog federated = ProviderCatalog.fromJson(catalog, Config.of(Map.of()));
        federation = new McpFederation(h.services.upstreamClient(), h.vault, Clock.systemUTC(),
                new McpFederation.Settings(Duration.ofMinutes(5), Duration.ofMillis(1500), Duration.ofSeconds(10),
                        Duration.ofSeconds(30)), "test");
        directory = new ToolDirectory(federated, federation);
        engine = new ExecutionService(directory, federation, h.vault, h.services.ledger(), h.services.idempotencyStore(),
                h.services.usageStore(), h.services.atomicWriter(), h.services.upstreamClient(), AgentKeyBindings.NONE,
                Clock.systemUTC(), ExecutionService.Settings.from(h.config));
        h.vault.setPlatformKey("paid", PLATFORM_TOKEN);
        h.vault.setPlatformKey("paidfast", PLATFORM_TOKEN);
        // Discovery of the reachable servers, awaited once (the silent one is left to the test about it).
        federation.refresh(federated.providers().stream().filter(p -> !p.id().equals("silent")).toList()).join();
    }

    @AfterAll
    static void stop() throws IOException {
        federation.close();
        upstream.close();
        silent.close();
        for (Socket s : held) {
            s.close();
        }
        h.close();
    }

    private static ExecutionOutcome call(Acting acting, String tool, String operation, String input) {
        return call(acting, tool, operation, input, null);
    }

    private static ExecutionOutcome call(Acting acting, String tool, String operation, String input, String key) {
        var body = Json.object();
        body.put("tool", tool);
        body.put("operation", operation);
        body.set("input", ExecutionHarness.parse(input));
        return engine.execute(acting, new ExecutionRequest(tool, operation, body.get("input"), key, Ids.newId("req"), body));
    }

    private static TollgateException refused(Acting acting, String tool, String operation, String input) {
        return assertThrows(TollgateException.class, () -> call(acting, tool, operation, input));
    }

    @Test
    void aFreeToolIsForwardedAndBilledFree() {
        Acting acting = h.account(Plan.FREE, 0);
        ExecutionOutcome out = call(acting, "free", "echo", "{\"text\":\"hello\"}");
        assertEquals(200, out.status());
        JsonNode result = out.body().path("result");
        assertEquals("echo: hello", result.path("content").path(0).path("text").asText());
        assertEquals("hello", result.path("structuredContent").path("text").asText());
        assertFalse(result.path("isError").asBoolean());
        JsonNode billing = out.body().path("billing");
        assertEquals("free", billing.path("mode").asText());
        assertEquals(0, billing.path("credits_charged").decimalValue().signum());
        assertTrue(billing.path("key_source").isNull());
        UsageRecord usage = h.usage(acting).get(0);
        assertEquals("free", usage.mode());
        assertEquals("free", usage.provider());
        assertEquals("echo", usage.operation());
    }

    @Test
    void aPricedToolChargesExactlyThePriceWithThePlatformToken() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        ExecutionOutcome out = call(acting, "paid", "add", "{\"a\": 0.1, \"b\": 0.2}");
        assertEquals("0.3", out.body().path("result").path("structuredContent").path("sum").decimalValue().toPlainString());
        JsonNode billing = out.body().path("billing");
        assertEquals("credits", billing.path("mode").asText());
        assertEquals("platform", billing.path("key_source").asText());
        assertEquals(0, new java.math.BigDecimal("0.5").compareTo(billing.path("credits_charged").decimalValue()));
        assertEquals(10 * CREDIT - CREDIT / 2, h.balance(acting).available());
        assertEquals(0, h.balance(acting).held());
        List<LedgerEntry> entries = h.services.ledger().entries(acting.accountId(), null, 10).items();
        assertEquals(LedgerEntry.Type.CAPTURE, entries.get(0).type());
        assertEquals(CREDIT / 2, entries.get(0).amount());
    }

    @Test
    void anIsErrorResultIsAResultAndIsBilled() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        ExecutionOutcome out = call(acting, "paid", "fail", "{\"text\":\"x\"}");
        assertEquals(200, out.status());
        assertTrue(out.body().path("result").path("isError").asBoolean());
        assertEquals("cannot do that: x", out.body().path("result").path("content").path(0).path("text").asText());
        assertEquals(10 * CREDIT - CREDIT / 2, h.balance(acting).available());
    }

    @Test
    void theCustomersTokenIsUsedAtZeroCreditsAndARefusedOneChargesNothing() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        h.vault.register(acting.accountId(), "paid", CUSTOMER_TOKEN);
        ExecutionOutcome out = call(acting, "paid", "echo", "{\"text\":\"mine\"}");
        assertEquals("byok", out.body().path("billing").path("mode").asText());
        assertEquals(0, out.body().path("billing").path("credits_charged").decimalValue().signum());
        assertEquals(10 * CREDIT, h.balance(acting).available());

        h.vault.register(acting.accountId(), "paid", "tok_wrong0001");
        TollgateException e = refused(acting, "paid", "echo", "{\"text\":\"mine\"}");
        assertEquals(ErrorCode.BYOK_KEY_REJECTED, e.code());
        assertEquals(401, e.details().get("provider_status"));
        assertFalse(e.getMessage().contains("tok_wrong0001"));
        assertEquals(10 * CREDIT, h.balance(acting).available());
    }

    @Test
    void whatTheServerEchoesOfThePlatformTokenNeverReachesTheCaller() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        ExecutionOutcome out = call(acting, "paid", "echo", "{\"text\":\"" + PLATFORM_TOKEN + "\"}");
        assertEquals("credits", out.body().path("billing").path("mode").asText());
        assertTrue(out.body().path("result").path("content").path(0).path("text").asText().startsWith("echo: "));
        assertFalse(out.body().toString().contains(PLATFORM_TOKEN), out.body().toString());
        assertFalse(out.body().toString().contains(PLATFORM_TOKEN.substring(0, 10)), "nor a prefix of it");
    }

    @Test
    void aJsonRpcErrorOfTheServerIsARejectedRequestAndChargesNothing() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        TollgateException e = refused(acting, "free", "reject", "{\"text\":\"nope\"}");
        assertEquals(ErrorCode.UPSTREAM_REJECTED_REQUEST, e.code(), e.getMessage());
        assertEquals("text is not acceptable: nope", e.details().get("provider_message"));
    }

    @Test
    void aToolThatNeverAnswersTimesOutAndItsHoldIsReleased() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        // The same server as "paid", with a one-second timeout: the hold is taken, the call times out, it is released.
        TollgateException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> refused(acting, "paidfast", "hang", "{}"));
        assertEquals(ErrorCode.UPSTREAM_TIMEOUT, e.code());
        assertEquals(504, e.status());
        assertEquals(10 * CREDIT, h.balance(acting).available());
        assertEquals(0, h.balance(acting).held());
        List<LedgerEntry> entries = h.services.ledger().entries(acting.accountId(), null, 10).items();
        assertEquals(LedgerEntry.Type.RELEASE, entries.get(0).type());
    }

    @Test
    void inputIsValidatedAgainstTheUpstreamSchemaBeforeAnyCall() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        TollgateException e = refused(acting, "paid", "echo", "{\"text\": 5}");
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertEquals("/input/text", e.details().get("pointer"));
        assertEquals(ErrorCode.VALIDATION_FAILED, refused(acting, "free", "add", "{\"a\": 1}").code());
        assertEquals(10 * CREDIT, h.balance(acting).available());
        assertTrue(h.services.ledger().entries(acting.accountId(), null, 10).items().stream()
                .noneMatch(entry -> entry.type() == LedgerEntry.Type.HOLD));
    }

    @Test
    void namesAreToolNamesAndTheAllowListHoldsBack() {
        Acting acting = h.account(Plan.FREE, 0);
        ExecutionOutcome out = call(acting, "free", "text_reverse", "{\"text\":\"abc\"}");
        assertEquals("cba", out.body().path("result").path("content").path(0).path("text").asText());
        assertEquals(ErrorCode.UNKNOWN_TOOL, refused(acting, "free", "nope", "{}").code());
        // "paid" lists only the four tools its catalog entry names.
        assertEquals(ErrorCode.UNKNOWN_TOOL, refused(acting, "paid", "text_reverse", "{\"text\":\"abc\"}").code());
        assertEquals("free_text_reverse", directory.operationByToolName("free_text_reverse").orElseThrow().toolName());
    }

    @Test
    void anUnreachableOrUnconfiguredServerIsUnavailableAndLeftOutWhileTheRestLists() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        TollgateException gone = refused(acting, "gone", "echo", "{\"text\":\"x\"}");
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, gone.code());
        assertEquals(503, gone.status());
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, refused(acting, "selfhosted", "echo", "{\"text\":\"x\"}").code());

        List<String> names = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> listedNames(acting));
        assertTrue(names.contains("free_echo"), names.toString());
        assertTrue(names.contains("paid_add"), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.startsWith("gone_") || n.startsWith("selfhosted_")
                || n.startsWith("silent_")), names.toString());
        assertTrue(names.indexOf("free_echo") < names.indexOf("paid_add"), "catalog order");
    }

    @Test
    void aServerThatNeverAnswersIsLeftOutWithinTheListingBudget() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        // The silent server accepts the connection and says nothing: the listing still returns, without it.
        List<String> names = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> listedNames(acting));
        assertTrue(names.contains("free_echo"));
        assertTrue(names.stream().noneMatch(n -> n.startsWith("silent_")));
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> refused(acting, "silent", "echo", "{\"text\":\"x\"}")).code());
    }

    @Test
    void listedToolsCarryTheUpstreamSchemaAndThePrice() {
        Acting acting = h.account(Plan.PRO, 10 * CREDIT);
        ToolView add = engine.tools(acting, null, 100).items().stream().filter(t -> t.name().equals("paid_add"))
                .findFirst().orElseThrow();
        assertEquals("Adds two numbers.", add.description());
        assertEquals(List.of("a", "b"), Json.MAPPER.convertValue(add.inputSchema().path("required"), List.class));
        assertEquals("credits", add.billingMode());
        assertEquals(Map.of("type", "per_call", "credits", new java.math.BigDecimal("0.5")), add.price());
    }

    private static List<String> listedNames(Acting acting) {
        return engine.tools(acting, null, 100).items().stream().map(ToolView::name).toList();
    }
}
