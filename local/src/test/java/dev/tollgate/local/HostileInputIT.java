package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.FunctionSpec;
import dev.tollgate.testkit.RepoRoot;
import dev.tollgate.testkit.RouteSpec;
import dev.tollgate.testkit.SamTemplate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The bad-input corpus (issue 10): hostile requests to every route of template.yaml, over real HTTP through the local
 * runner's API Gateway emulator, and the promise that none of them breaks the edge.
 *
 * <p>Routes are read from the template, and every variant is generated per method and path parameter, so a route
 * added to the template is covered with no change here; bodies are mutated field by field from the route's own
 * {@code events/} examples where it has any. The dimensions: authentication (none, garbled, overlong, revoked,
 * another tenant's), path parameters (traversal, encoded traversal, 3,000 characters, NUL, RTL override, encoded
 * lone surrogate, other tenants' real ids), bodies (malformed, deeply nested, wrong types, number bombs, huge and
 * tiny numbers, NUL, lone surrogates, RTL, invalid UTF-8, too large), content types and charsets, query strings,
 * headers, and every method a path does not serve.
 *
 * <p>For every response: never a 5xx; an error is its door's envelope ({@link Envelope}: {@code {"error": {"code",
 * "message", "request_id"}}}, a JSON-RPC error object on {@code /mcp} and {@code /a2a}, OpenAI's error object on
 * {@code /v1/*}); no body names a Java class or holds a stack frame.
 * Afterwards the runner still serves a fresh account. The count and figures are printed and written to
 * {@code local/target/hostile-input-corpus.json} (docs/RELIABILITY.md quotes the last run).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARALLEL = 6;
    private static final Pattern LEAK = Pattern.compile(
            "\\bat [\\w$.]+\\(|\\.java:\\d+|\\bjava\\.|\\bjavax\\.|\\bjakarta\\.|dev\\.tollgate\\.|com\\.fasterxml|"
                    + "software\\.amazon|Exception\\b|StreamReadConstraints|\\$Proxy|\\bsun\\.");

    private static MockUpstreams mocks;
    private static LocalTollgate tollgate;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The tenant the corpus acts as (A), another tenant (B), and an account the operator routes act on. */
    private static String tokenA;
    private static String tokenB;
    private static String revokedToken;
    private static String agentTokenB;
    private static final Map<String, String> OWN = new LinkedHashMap<>();
    private static final Map<String, String> FOREIGN = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        ProviderCatalog catalog = ProviderCatalog.load(Config.of(Map.of()));
        mocks = MockUpstreams.start(catalog);
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(mocks.environment()));
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
        mocks.platformKeys().forEach((provider, key) -> tollgate.services().keyRegistry().setPlatformKey("test", provider, key));
        var accounts = tollgate.services().accountService();

        String a = person("A", Plan.PRO);
        tokenA = accounts.issueApiKey(a, "corpus", "test").token();
        String member = person("member of A's workspace", Plan.FREE);
        String wsA = send("POST", "/api/v1/workspaces", tokenA, "{\"name\":\"A's team\"}").json().path("id").asText();
        accounts.update(wsA, Plan.TEAM, null, "test");
        send("POST", "/api/v1/workspaces/" + wsA + "/members", tokenA, "{\"account_id\":\"" + member + "\"}");
        String agentA = send("POST", "/api/v1/workspaces/" + wsA + "/agents", tokenA, "{\"name\":\"bot\"}").json()
                .path("id").asText();
        String byokA = send("POST", "/api/v1/byok", tokenA, "{\"provider\":\"openai\",\"api_key\":\""
                + MockUpstreams.FAKE_KEYS.get("openai") + "\"}").json().path("id").asText();
        String wsKeyA = send("POST", "/api/v1/workspaces/" + wsA + "/keys", tokenA, "{\"provider\":\"openai\",\"api_key\":\""
                + MockUpstreams.FAKE_KEYS.get("openai") + "\",\"display_name\":\"team\"}").json().path("id").asText();

        String b = person("B", Plan.PRO);
        tokenB = accounts.issueApiKey(b, "other tenant", "test").token();
        String wsB = send("POST", "/api/v1/workspaces", tokenB, "{\"name\":\"B's team\"}").json().path("id").asText();
        accounts.update(wsB, Plan.TEAM, null, "test");
        JsonNode agentB = send("POST", "/api/v1/workspaces/" + wsB + "/agents", tokenB, "{\"name\":\"bot\"}").json();
        agentTokenB = agentB.path("api_key").asText();
        String byokB = send("POST", "/api/v1/byok", tokenB, "{\"provider\":\"openai\",\"api_key\":\""
                + MockUpstreams.FAKE_KEYS.get("openai") + "\"}").json().path("id").asText();
        String wsKeyB = send("POST", "/api/v1/workspaces/" + wsB + "/keys", tokenB, "{\"provider\":\"openai\",\"api_key\":\""
                + MockUpstreams.FAKE_KEYS.get("openai") + "\",\"display_name\":\"theirs\"}").json().path("id").asText();

        String operated = person("operated on by the admin routes", Plan.PRO);
        var revoked = accounts.issueApiKey(operated, "revoked", "test");
        accounts.revokeApiKey(revoked.record().keyId(), "test");
        revokedToken = revoked.token();
        String throwawayKey = accounts.issueApiKey(operated, "throwaway", "test").record().keyId();

        // Path parameter values by template name: what the corpus calls its own, and tenant B's.
        OWN.put("ws", wsA);
        OWN.put("account_id", member);
        OWN.put("agent_id", agentA);
        OWN.put("key_id", throwawayKey);
        OWN.put("provider", "browserbase");
        OWN.put("id:/admin", operated);
        OWN.put("id:/api/v1/byok", byokA);
        OWN.put("id:/api/v1/workspaces", wsKeyA);
        FOREIGN.put("ws", wsB);
        FOREIGN.put("account_id", b);
        FOREIGN.put("agent_id", agentB.path("id").asText());
        FOREIGN.put("id:/api/v1/byok", byokB);
        FOREIGN.put("id:/api/v1/workspaces", wsKeyB);
    }

    private static String person(String name, Plan plan) {
        var accounts = tollgate.services().accountService();
        Account account = accounts.create(Account.Type.PERSONAL, plan, name, "test");
        accounts.topUp(account.id(), 100 * Credits.MICROS_PER_CREDIT, "corpus-" + account.id(), "test");
        return account.id();
    }

    @AfterAll
    static void stop() {
        if (tollgate != null) {
            tollgate.close();
        }
        if (mocks != null) {
            mocks.close();
        }
    }

    // ---- the defects the issue found, each with its exact answer ---------------------------------------------

    @Test
    @Order(1)
    void theReportedDefectsAnswerWithTheirTypedErrors() throws Exception {
        String bombInput = "{\"tool\":\"context7\",\"operation\":\"resolve_library\",\"input\":{\"query\":\"react\",\"x\":1e999999999}}";
        expect(send("POST", "/api/v1/execute", tokenA, bombInput), 400, "validation_failed", "/input/x");
        expect(send("POST", "/api/v1/execute", tokenA, "{\"tool\":\"context7\",\"operation\":\"resolve_library\","
                + "\"input\":{\"query\":\"react\"},\"note\":-1e-999999999}", Map.of("Idempotency-Key", "bomb-1")),
                400, "validation_failed", "/note");
        expect(admin("POST", "/admin/v1/accounts/" + OWN.get("id:/admin") + "/topups",
                "{\"credits\":1e12000000,\"reference\":\"bomb\"}"), 400, "validation_failed", "/credits");
        expect(admin("POST", "/admin/v1/accounts/" + OWN.get("id:/admin") + "/adjustments",
                "{\"credits\":1e-12000000,\"reason\":\"bomb\"}"), 400, "validation_failed", "/credits");
        expect(send("GET", "/api/v1/usage?to=-1000000000-01-01T00:00:00Z", tokenA, null), 400, "validation_failed", "/to");
        expect(send("GET", "/api/v1/usage?to=%2B1000000000-01-01T00:00:00Z", tokenA, null), 400, "validation_failed", "/to");
        expect(send("GET", "/api/v1/key/", tokenA, null), 404, "not_found", null);
        expect(send("DELETE", "/api/v1/workspaces/" + OWN.get("ws") + "/members/" + "a".repeat(3000), tokenA, null),
                404, "not_found", null);
        expect(send("POST", "/api/v1/execute", tokenA, "[".repeat(100_000)), 400, "validation_failed", null);
    }

    @Test
    @Order(2)
    void anotherTenantsIdsAreNotFoundAndAnotherTenantsTokenSeesNothingOfOurs() throws Exception {
        for (String path : List.of("/api/v1/byok/" + FOREIGN.get("id:/api/v1/byok"), "/api/v1/workspaces/" + FOREIGN.get("ws"),
                "/api/v1/workspaces/" + FOREIGN.get("ws") + "/agents/" + FOREIGN.get("agent_id"),
                "/api/v1/workspaces/" + FOREIGN.get("ws") + "/keys/" + FOREIGN.get("id:/api/v1/workspaces"))) {
            expect(send("GET", path, tokenA, null), 404, "not_found", null);
            if (!path.equals("/api/v1/workspaces/" + FOREIGN.get("ws"))) {
                expect(send("DELETE", path, tokenA, null), 404, "not_found", null);
            }
        }
        expect(send("GET", "/api/v1/byok/" + OWN.get("id:/api/v1/byok"), tokenB, null), 404, "not_found", null);
        expect(send("GET", "/api/v1/workspaces/" + OWN.get("ws") + "/members", agentTokenB, null), 404, "not_found", null);
        expect(send("GET", "/api/v1/key", tokenA, null, Map.of("X-Tollgate-Workspace", FOREIGN.get("ws"))), 404, "not_found", null);
    }

    @Test
    @Order(3)
    void mcpLimitsAndLocalBrowserOriginsOverHttp() throws Exception {
        Map<String, String> mcp = mcpHeaders("2025-03-26");
        Reply local = send("POST", "/mcp", tokenA, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                with(mcp, "Origin", "http://localhost:6274"));
        assertEquals(200, local.status(), local.body());
        Reply foreign = send("POST", "/mcp", tokenA, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                with(mcp, "Origin", "http://evil.example"));
        assertEquals(403, foreign.status());
        assertEquals("origin_not_allowed", foreign.json().path("error").path("data").path("code").asText());

        Reply tooMany = send("POST", "/mcp", tokenA, toolCalls(51, "context7_resolve_library", "{\"query\":\"react\"}"), mcp);
        assertEquals(400, tooMany.status(), tooMany.body());
        assertEquals("batch_too_large", tooMany.json().path("error").path("data").path("code").asText());

        Reply answers = send("POST", "/mcp", tokenA, toolCalls(17, "tavily_search", "{\"query\":\"q\"}"), mcp);
        assertEquals(200, answers.status(), answers.body());
        JsonNode last = answers.json().get(16);
        assertEquals("paid_call_limit_exceeded", last.path("error").path("data").path("code").asText(), answers.body());
    }

    /** A JSON-RPC batch of {@code n} calls of one tool. */
    private static String toolCalls(int n, String tool, String arguments) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"jsonrpc\":\"2.0\",\"id\":").append(i)
                    .append(",\"method\":\"tools/call\",\"params\":{\"name\":\"").append(tool).append("\",\"arguments\":")
                    .append(arguments).append("}}");
        }
        return batch.append(']').toString();
    }

    // ---- the corpus ------------------------------------------------------------------------------------------

    @Test
    @Order(4)
    void everyRouteOfTheTemplateSurvivesTheCorpus() throws Exception {
        SamTemplate template = SamTemplate.load(RepoRoot.template());
        Map<String, List<String>> seeds = seedBodies();
        List<Probe> probes = new ArrayList<>();
        Set<String> routeKeys = new LinkedHashSet<>();
        for (FunctionSpec function : template.functions()) {
            for (RouteSpec route : function.routes()) {
                if (!route.isDefault()) {
                    routeKeys.add(route.routeKey());
                    probes.addAll(probesFor(route, seeds.getOrDefault(route.routeKey(), List.of())));
                }
            }
        }
        probes.addAll(unroutedProbes(template));

        // Header values java.net.http refuses to send (non-ASCII, control characters) are dropped up front.
        probes.removeIf(probe -> !probe.sendable());
        long started = System.nanoTime();
        long cpuStarted = processCpuNanos();
        Map<String, AtomicInteger> byStatus = new ConcurrentHashMap<>();
        Map<String, java.util.concurrent.atomic.AtomicLong> millisByLabel = new ConcurrentHashMap<>();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Probe probe : probes) {
                running.add(pool.submit(() -> {
                    long sent = System.nanoTime();
                    Reply reply = probe.send();
                    millisByLabel.computeIfAbsent(probe.label().split(" ")[0], k -> new java.util.concurrent.atomic.AtomicLong())
                            .addAndGet((System.nanoTime() - sent) / 1_000_000);
                    byStatus.computeIfAbsent(reply.status() / 100 + "xx", k -> new AtomicInteger()).incrementAndGet();
                    String problem = problem(probe, reply);
                    if (problem != null) {
                        violations.add(probe + " -> " + reply.status() + " " + abbreviate(reply.body()) + ": " + problem);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        long cpuMillis = (processCpuNanos() - cpuStarted) / 1_000_000;

        // The runner still serves: a fresh account, a fresh key, its balance.
        String fresh = person("after the corpus", Plan.FREE);
        String freshToken = tollgate.services().accountService().issueApiKey(fresh, "health", "test").token();
        Reply health = send("GET", "/api/v1/key", freshToken, null);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("requests", probes.size());
        figures.put("routes", routeKeys.size());
        figures.put("by_status", new TreeMap<>(byStatus));
        figures.put("violations", violations.size());
        figures.put("wall_ms", millis);
        // CPU of the whole process (client, runner, DynamoDB Local, mock upstreams): what the corpus costs whatever
        // else the machine is doing; wall time on a shared machine mostly measures the others.
        figures.put("cpu_ms", cpuMillis);
        figures.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        figures.put("parallel_clients", PARALLEL);
        figures.put("health_after", health.status());
        figures.put("ms_by_kind", new TreeMap<>(millisByLabel));
        Map<String, Long> countByLabel = new TreeMap<>();
        probes.forEach(p -> countByLabel.merge(p.label().split(" ")[0], 1L, Long::sum));
        figures.put("requests_by_kind", countByLabel);
        Collections.sort(violations);
        figures.put("violation_list", violations);
        String report = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures);
        System.out.println("HostileInputIT corpus: " + JSON.writeValueAsString(Map.of("requests", probes.size(),
                "by_status", figures.get("by_status"), "violations", violations.size(), "wall_ms", millis, "cpu_ms", cpuMillis)));
        Path out = RepoRoot.find().resolve("local/target/hostile-input-corpus.json");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);

        if (!violations.isEmpty()) {
            fail(violations.size() + " of " + probes.size() + " hostile requests broke the edge; first ones:\n"
                    + String.join("\n", violations.subList(0, Math.min(40, violations.size()))));
        }
        assertEquals(200, health.status(), "the runner must still answer after the corpus: " + health.body());
        assertEquals(fresh, health.json().path("account_id").asText());
        assertTrue(routeKeys.containsAll(dev.tollgate.http.ApiRoutes.ALL), "every declared route was probed");
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** What is wrong with a reply, or null. */
    private static String problem(Probe probe, Reply reply) {
        if (reply.status() < 100) {
            return "no HTTP answer (" + reply.body() + ")";
        }
        if (reply.status() >= 500) {
            return "5xx";
        }
        if (LEAK.matcher(reply.body()).find()) {
            return "names Java internals";
        }
        if (probe.method().equals("HEAD")) {
            return null; // a HEAD answer has no body by definition; its status was checked above
        }
        if (reply.body().isEmpty()) {
            return reply.status() >= 400 ? "error without a body" : null;
        }
        if (reply.status() < 400 && reply.contentType().startsWith("text/event-stream")) {
            return streamProblem(reply.body());
        }
        JsonNode json;
        try {
            json = JSON.readTree(reply.body());
        } catch (IOException e) {
            return "not JSON";
        }
        if (reply.status() < 400) {
            return null;
        }
        return probe.envelope().holds(json) ? null : "not the " + probe.envelope() + " error envelope";
    }

    /** A streamed answer ({@code stream: true} on /v1) is whole: JSON events, then {@code data: [DONE]}. */
    private static String streamProblem(String stream) {
        boolean done = false;
        for (String line : stream.split("\n")) {
            if (!line.startsWith("data: ")) {
                continue;
            }
            if (done) {
                return "an event after [DONE]";
            }
            String data = line.substring("data: ".length()).strip();
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            try {
                JSON.readTree(data);
            } catch (IOException e) {
                return "a streamed event that is not JSON";
            }
        }
        return done ? null : "a stream without data: [DONE]";
    }

    /**
     * The error shape of each door. A route is checked against its door's shape; paths no route serves get the
     * REST envelope of the {@code $default} route. A door with a shape of its own (JSON-RPC for A2A, OpenAI's error
     * object for {@code /v1/*}) adds a constant here and a line to {@link #of}.
     */
    enum Envelope {
        /** {@code {"error": {"code", "message", "request_id", ...}}}. */
        REST {
            @Override
            boolean holds(JsonNode json) {
                JsonNode error = json.path("error");
                return error.path("code").isTextual() && !error.path("code").asText().isEmpty()
                        && error.path("message").isTextual() && error.path("request_id").asText().startsWith("req_");
            }
        },
        /** A JSON-RPC 2.0 error object: {@code {"jsonrpc": "2.0", "id", "error": {"code": int, "message"}}}. */
        JSON_RPC {
            @Override
            boolean holds(JsonNode json) {
                JsonNode error = json.path("error");
                return "2.0".equals(json.path("jsonrpc").asText()) && error.path("code").isInt()
                        && error.path("message").isTextual();
            }
        },
        /** OpenAI's error object, Tollgate's code in {@code code}: {@code {"error": {"message", "type", "code"}}}. */
        OPENAI {
            @Override
            boolean holds(JsonNode json) {
                JsonNode error = json.path("error");
                return error.path("message").isTextual() && error.path("type").isTextual()
                        && error.path("code").isTextual() && !error.path("code").asText().isEmpty();
            }
        };

        abstract boolean holds(JsonNode json);

        static Envelope of(RouteSpec route) {
            if (route.path().equals("/mcp") || route.path().equals("/a2a")) {
                return JSON_RPC;
            }
            return route.path().startsWith("/v1/") ? OPENAI : REST;
        }
    }

    // ---- generating probes -----------------------------------------------------------------------------------

    /** A JSON value to put where a field was, as JSON text. */
    private static final List<String> HOSTILE_VALUES = List.of(
            "null", "-1", "1e999999999", "-1e-999999999", "1" + "0".repeat(4_000), "\"a\\u0000b\"", "\"\\ud800\"",
            "\"\\u202e../../etc/passwd\"", "\"" + "a".repeat(3_000) + "\"", "[{\"$ref\":\"#\"}]",
            "[" + "[".repeat(200) + "]".repeat(200) + "]");

    /** Whole bodies, whatever the route. */
    private static final List<String> HOSTILE_BODIES = List.of(
            "", "null", "[]", "\"text\"", "123", "true", "{", "{\"a\":}", "{'a':1}", "{}x", "{\"a\":1,\"a\":2}",
            "\uFEFF{}", "\u0000", "{\"a\":\"\\ud800\"}", "{\"\\udc00\":1}", "{\"a\":\"\u202e\u0000\"}",
            "[".repeat(100_000), "{\"a\":".repeat(50_000), "{\"x\":" + "[{\"y\":".repeat(40) + "1" + "}]".repeat(40) + "}",
            "{\"x\":1e999999999}", "{\"x\":-1e-999999999}", "{\"x\":" + "9".repeat(5_000) + "}", "{\"x\":1e-400}",
            "{\"x\":-0.0e0}", "{\"x\":NaN}", "{\"x\":Infinity}", "{\"" + "k".repeat(2_000) + "\":1}",
            "{\"s\":\"" + "\\u0000".repeat(10_000) + "\"}");

    private static List<Probe> probesFor(RouteSpec route, List<String> seeds) {
        List<Probe> probes = new ArrayList<>();
        boolean mcp = route.path().equals("/mcp");
        Envelope envelope = Envelope.of(route);
        boolean admin = route.iamAuth();
        String path = fill(route, OWN);
        Map<String, String> baseHeaders = mcp ? mcpHeaders("2025-03-26") : Map.of("Content-Type", "application/json");
        String seed = seeds.isEmpty() ? "{}" : seeds.get(0);
        String token = admin ? tollgate.adminToken() : tokenA;

        // Authentication: customer routes with every kind of bad token. Operator routes always carry the IAM stand-in:
        // without it API Gateway itself answers 403 {"message":"Forbidden"} before any function runs.
        if (!admin) {
            for (String bad : List.of("", "tg_test_" + "x".repeat(5_000), revokedToken, tokenB, agentTokenB,
                    "tg_live_" + tokenA.substring(8), tollgate.adminToken())) {
                probes.add(new Probe("auth", route.method(), path, with(baseHeaders, "Authorization", "Bearer " + bad), seed, envelope));
            }
            probes.add(new Probe("auth basic", route.method(), path, with(baseHeaders, "Authorization", "Basic dXNlcjpwYXNz"), seed, envelope));
            probes.add(new Probe("auth none", route.method(), path, baseHeaders, seed, envelope));
        }
        Map<String, String> authed = withAuth(baseHeaders, token);

        // Path parameters: each one hostile in turn, the others valid.
        for (String parameter : parameters(route)) {
            for (String value : List.of("..", "%2e%2e", "%2E%2E%2F%2E%2E", "%2F", "a%00b", "%E2%80%AEevil", "%ED%A0%80",
                    "%F0%9F%92%A9", "a".repeat(3_000), prefixOf(route, parameter) + "Z".repeat(3_000),
                    prefixOf(route, parameter) + "0000000000AAAAAAAAAAAAAA", "'%3B--")) {
                probes.add(new Probe("path " + parameter, route.method(), replace(route, parameter, value), authed, seed, envelope));
            }
            String foreign = FOREIGN.get(key(route, parameter));
            if (foreign != null && !admin) {
                probes.add(new Probe("foreign " + parameter, route.method(), replace(route, parameter, foreign), authed, seed, envelope));
            }
        }

        // Bodies: whole hostile documents, then each field of the route's examples replaced by each hostile value.
        List<String> bodies = new ArrayList<>(HOSTILE_BODIES);
        bodies.add("{\"pad\":\"" + "a".repeat(1_100_000) + "\"}");
        boolean takesBody = !route.method().equals("GET") && !route.method().equals("DELETE");
        for (String body : takesBody ? bodies : List.of("{", "[".repeat(100_000), "{\"x\":1e999999999}")) {
            probes.add(new Probe("body", route.method(), path, authed, body, envelope));
        }
        if (takesBody) {
            for (String seedBody : seeds) {
                for (String mutated : mutations(seedBody)) {
                    probes.add(new Probe("field", route.method(), path, authed, mutated, envelope));
                }
            }
            probes.add(new Probe("invalid UTF-8", route.method(), path, authed,
                    new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, (byte) 0xc0, (byte) 0xaf, '"', '}'}, envelope));
            probes.add(new Probe("UTF-16 body", route.method(), path,
                    with(authed, "Content-Type", "application/json; charset=utf-16"), seed.getBytes(StandardCharsets.UTF_16), envelope));
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                    "application/xml", "application/json; charset=latin1", "application/jsonx", ";;;", "application/octet-stream")) {
                probes.add(new Probe("content type", route.method(), path, with(authed, "Content-Type", type), seed, envelope));
            }
            Map<String, String> untyped = new LinkedHashMap<>(authed);
            untyped.remove("Content-Type");
            probes.add(new Probe("no content type", route.method(), path, untyped, seed, envelope));
        }

        // Query strings.
        List<String> queries = route.method().equals("GET")
                ? List.of("limit=-1", "limit=abc", "limit=1e999999999", "limit=99999999999999999999&limit=1",
                        "cursor=Li4vLi4v", "cursor=" + "A".repeat(2_000), "cursor=%00", "from=%2B1000000000-01-01T00:00:00Z",
                        "from=2026-01-01&to=2025-01-01", "group_by=%E2%80%AE&format=%00", manyParameters(), "%00=%00")
                : List.of("verify=maybe", "force=yes", manyParameters(), "x=" + "y".repeat(2_000));
        for (String query : queries) {
            probes.add(new Probe("query", route.method(), path + "?" + query, authed, takesBody ? "{}" : null, envelope));
        }

        // Headers. Only the idempotency key needs the route's real body to be looked at; the others are read first.
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(
                Map.entry("X-Tollgate-Workspace", "ws_" + "Z".repeat(3_000)), Map.entry("X-Tollgate-Workspace", "../.."),
                Map.entry("X-Tollgate-Workspace", FOREIGN.get("ws")), Map.entry("Origin", "null"),
                Map.entry("User-Agent", "u".repeat(4_000))));
        if (mcp) {
            headers.addAll(List.of(Map.entry("MCP-Protocol-Version", "\u00ff\u00fe"), Map.entry("MCP-Protocol-Version", "9999-99-99"),
                    Map.entry("Accept", "text/event-stream"), Map.entry("Origin", "http://localhost:6274")));
        }
        for (Map.Entry<String, String> header : headers) {
            probes.add(new Probe("header " + header.getKey(), route.method(), path, with(authed, header.getKey(), header.getValue()),
                    takesBody ? "{}" : null, envelope));
        }
        if (route.method().equals("POST")) {
            for (String key : List.of("k".repeat(300), "ключ", " ")) {
                probes.add(new Probe("header Idempotency-Key", route.method(), path, with(authed, "Idempotency-Key", key), seed, envelope));
            }
        }

        // Methods this path does not serve (and HEAD, OPTIONS, and one no one serves). A method no route of the path
        // takes reaches the $default route, whose answer is REST's envelope; the path's door answers only the methods
        // it routes (/mcp routes ANY).
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "PROPFIND")) {
            if (!method.equals(route.method())) {
                boolean routed = dev.tollgate.http.ApiRoutes.ALL.contains(method + " " + route.path())
                        || dev.tollgate.http.ApiRoutes.ALL.contains("ANY " + route.path());
                probes.add(new Probe("method", method, path, authed, method.equals("GET") || method.equals("HEAD") ? null : "{}",
                        routed ? envelope : Envelope.REST));
            }
        }
        if (mcp) {
            probes.addAll(mcpProbes(authed, envelope));
        }
        return probes;
    }

    /** JSON-RPC that is JSON but not what a client should send. */
    private static List<Probe> mcpProbes(Map<String, String> headers, Envelope envelope) {
        List<String> bodies = new ArrayList<>(List.of(
                "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1e999999999,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":99999999999999999999999999,\"method\":\"ping\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + "m".repeat(5_000) + "\"}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"\\u0000\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"tavily_search\",\"arguments\":"
                        + "{\"query\":\"\\ud800\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"context7_resolve_library\","
                        + "\"arguments\":{\"query\":\"react\",\"n\":1e999}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"tavily_search\",\"arguments\":"
                        + "{\"query\":\"q\"},\"_meta\":{\"tollgate/idempotency_key\":[1,2]}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"tavily_search\",\"arguments\":"
                        + "{\"query\":\"q\"},\"_meta\":{\"tollgate/idempotency_key\":\"" + "k".repeat(300) + "\"}}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"tavily_search\",\"arguments\":"
                        + "\"not an object\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":\"" + "c".repeat(3_000) + "\"}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":[\"2025-03-26\"]}}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"\\u202e\"}}",
                "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}",
                "[[[[[]]]]]", "[" + "{},".repeat(49) + "{}]", "[" + "1,".repeat(2_000) + "1]",
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}]",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{}}"));
        List<Probe> probes = new ArrayList<>();
        for (String body : bodies) {
            for (String version : List.of("2025-03-26", "2025-11-25")) {
                probes.add(new Probe("mcp", "POST", "/mcp", with(headers, "MCP-Protocol-Version", version), body, envelope));
            }
        }
        return probes;
    }

    /** Paths no route serves: a trailing slash on every route, unknown and traversal paths, odd encodings. */
    private static List<Probe> unroutedProbes(SamTemplate template) {
        List<Probe> probes = new ArrayList<>();
        Map<String, String> headers = withAuth(Map.of("Content-Type", "application/json"), tokenA);
        template.functions().stream().flatMap(f -> f.routes().stream()).filter(r -> !r.isDefault()).forEach(route -> {
            String path = fill(route, OWN);
            probes.add(new Probe("trailing slash", route.method(), path + "/", headers, (String) null, Envelope.REST));
            // Inside the path: a request target starting with "//" never reaches an HTTP API's routes (nor the emulator's).
            if (path.indexOf('/', 1) > 0) {
                probes.add(new Probe("double slash", route.method(), path.replaceFirst("(/[^/]+)/", "$1//"), headers,
                        (String) null, Envelope.REST));
            }
            probes.add(new Probe("upper case", route.method(), path.toUpperCase(), headers, (String) null, Envelope.REST));
        });
        for (String path : List.of("/", "/api", "/api/v1", "/api/v1/", "/api/v1/../../etc/passwd", "/api/v1/%2e%2e/%2e%2e/etc",
                "/api/v1/byok/..%2F..%2Fadmin", "/%00", "/api/v1/key%00", "/api/v1/" + "x".repeat(3_000), "/admin/v1/accounts/",
                "/admin/v1", "/mcp/", "/mcp/x", "/console/../api/v1/key", "/api/v1/key;jsessionid=1", "/api/v1/key%20")) {
            probes.add(new Probe("unrouted", "GET", path, headers, (String) null, Envelope.REST));
            probes.add(new Probe("unrouted", "POST", path, headers, "{}", Envelope.REST));
        }
        return probes;
    }

    /** Each field of a seed body replaced, one at a time, by each hostile value (down to two levels below the top). */
    private static List<String> mutations(String seed) {
        JsonNode root;
        try {
            root = JSON.readTree(seed);
        } catch (IOException e) {
            return List.of();
        }
        List<List<String>> paths = new ArrayList<>();
        collectFields(root, List.of(), paths);
        List<String> out = new ArrayList<>();
        for (List<String> field : paths) {
            for (String value : HOSTILE_VALUES) {
                out.add(replaceAt(seed, field, value));
            }
        }
        return out;
    }

    private static void collectFields(JsonNode node, List<String> at, List<List<String>> out) {
        if (at.size() > 2 || !node.isObject()) {
            return;
        }
        node.fieldNames().forEachRemaining(name -> {
            List<String> field = new ArrayList<>(at);
            field.add(name);
            out.add(field);
            collectFields(node.get(name), field, out);
        });
    }

    /** The seed with the value of {@code field} (names from the root) replaced by the JSON text {@code value}. */
    private static String replaceAt(String seed, List<String> field, String value) {
        try {
            ObjectNode parent = (ObjectNode) JSON.readTree(seed);
            ObjectNode root = parent;
            for (String name : field.subList(0, field.size() - 1)) {
                parent = (ObjectNode) parent.get(name);
            }
            parent.put(field.get(field.size() - 1), "@@HOSTILE@@");
            // Spliced in as text, so numbers such as 1e999999999 reach the server exactly as written.
            return JSON.writeValueAsString(root).replace("\"@@HOSTILE@@\"", value);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Example bodies by route key, from events/ (the files sam local invoke uses). */
    private static Map<String, List<String>> seedBodies() throws IOException {
        Map<String, List<String>> seeds = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(RepoRoot.find().resolve("events"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode event = JSON.readTree(file.toFile());
                String body = event.path("body").asText("");
                if (event.path("routeKey").isTextual() && body.startsWith("{")) {
                    seeds.computeIfAbsent(event.path("routeKey").asText(), k -> new ArrayList<>()).add(body);
                }
            }
        }
        return seeds;
    }

    private static List<String> parameters(RouteSpec route) {
        List<String> names = new ArrayList<>();
        for (String segment : route.path().split("/")) {
            if (segment.startsWith("{") && segment.endsWith("}")) {
                names.add(segment.substring(1, segment.length() - 1));
            }
        }
        return names;
    }

    /** Where {@code {id}} means different objects, the key says which: {@code id:/admin}, {@code id:/api/v1/byok}. */
    private static String key(RouteSpec route, String parameter) {
        if (!parameter.equals("id")) {
            return parameter;
        }
        return route.path().startsWith("/admin") ? "id:/admin"
                : route.path().startsWith("/api/v1/byok") ? "id:/api/v1/byok" : "id:/api/v1/workspaces";
    }

    private static String prefixOf(RouteSpec route, String parameter) {
        String own = OWN.getOrDefault(key(route, parameter), "x_");
        int underscore = own.indexOf('_');
        return underscore < 0 ? own : own.substring(0, underscore + 1);
    }

    private static String fill(RouteSpec route, Map<String, String> values) {
        String path = route.path();
        for (String parameter : parameters(route)) {
            path = path.replace("{" + parameter + "}", values.getOrDefault(key(route, parameter), "missing"));
        }
        return path;
    }

    private static String replace(RouteSpec route, String parameter, String value) {
        String path = route.path().replace("{" + parameter + "}", value);
        for (String other : parameters(route)) {
            path = path.replace("{" + other + "}", OWN.getOrDefault(key(route, other), "missing"));
        }
        return path;
    }

    private static String manyParameters() {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            query.append(i == 0 ? "" : "&").append("p").append(i).append("=v");
        }
        return query.toString();
    }

    private static Map<String, String> mcpHeaders(String version) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json, text/event-stream");
        headers.put("MCP-Protocol-Version", version);
        return headers;
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return copy;
    }

    private static Map<String, String> withAuth(Map<String, String> headers, String token) {
        return with(headers, "Authorization", "Bearer " + token);
    }

    // ---- HTTP ------------------------------------------------------------------------------------------------

    record Reply(int status, String body, String contentType) {
        Reply(int status, String body) {
            this(status, body, "");
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + abbreviate(body), e);
            }
        }
    }

    /** One hostile request, and the envelope its errors must have. */
    record Probe(String label, String method, String path, Map<String, String> headers, byte[] body, Envelope envelope) {
        Probe(String label, String method, String path, Map<String, String> headers, String body, Envelope envelope) {
            this(label, method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8), envelope);
        }

        Reply send() {
            return HostileInputIT.send(method, path, headers, body);
        }

        boolean sendable() {
            try {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
                headers.forEach(request::header);
                request.method(method, HttpRequest.BodyPublishers.noBody()).build();
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return label + ": " + method + " " + abbreviate(path) + (body == null ? "" : " body "
                    + abbreviate(new String(body, StandardCharsets.UTF_8)));
        }
    }

    private static Reply send(String method, String path, String token, String body) {
        return send(method, path, token, body, Map.of());
    }

    private static Reply send(String method, String path, String token, String body, Map<String, String> headers) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putIfAbsent("Content-Type", "application/json");
        all.put("Authorization", "Bearer " + token);
        return send(method, path, all, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static Reply admin(String method, String path, String body) {
        return send(method, path, tollgate.adminToken(), body);
    }

    private static Reply send(String method, String path, Map<String, String> headers, byte[] body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body() == null ? "" : response.body(),
                    response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException | IllegalArgumentException e) {
            return new Reply(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, "interrupted");
        }
    }

    private static void expect(Reply reply, int status, String code, String pointer) {
        assertEquals(status, reply.status(), reply.body());
        JsonNode error = reply.json().path("error");
        assertEquals(code, error.path("code").asText(), reply.body());
        if (pointer != null) {
            assertEquals(pointer, error.path("pointer").asText(), reply.body());
        }
        assertTrue(error.path("request_id").asText().startsWith("req_"), reply.body());
    }

    private static String abbreviate(String text) {
        String flat = text.replace('\n', ' ');
        return flat.length() <= 160 ? flat : flat.substring(0, 160) + "…(" + flat.length() + ")";
    }
}
