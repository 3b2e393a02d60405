package dev.tollgate.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.Services;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.store.AwsClients;
import dev.tollgate.testkit.FunctionSpec;
import dev.tollgate.testkit.LocalApiGateway;
import dev.tollgate.testkit.LocalDynamo;
import dev.tollgate.testkit.OpenApiContract;
import dev.tollgate.testkit.SamTemplate;
import dev.tollgate.testkit.StaticSite;
import dev.tollgate.testkit.TableSpec;
import java.net.URI;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.io.OutputStream;
import dev.tollgate.http.StreamingHandler;

/**
 * The whole product in one process: DynamoDB Local, tables created from template.yaml, and an HTTP API emulator
 * that routes each request (route table also from template.yaml) to the very handler class Lambda would run,
 * built with the same {@link Services} wiring from a local configuration.
 */
public final class LocalTollgate implements AutoCloseable {
    /**
     * Set by the build for integration tests: every response the emulator relays is checked against
     * docs/openapi.yaml, and one that breaks it becomes a 500 listing the violations (SPEC 14.1).
     */
    public static final String CONTRACT_CHECK_PROPERTY = "tollgate.openapi.check";
    private static final dev.tollgate.log.Log LOG = dev.tollgate.log.Log.get(LocalTollgate.class);
    /** Where the web console is served, locally and by CloudFront. */
    public static final String CONSOLE_PATH = "/console/";
    private final LocalDynamo dynamo;
    private final LocalApiGateway gateway;
    private final ScheduledExecutorService scheduler;
    private final Services services;
    private final Config config;
    private final List<String> mountedFunctions;
    private final boolean consoleServed;

    /**
     * What to start; see {@link LocalRunner} for the command-line flags that fill it.
     *
     * @param hostedMcpServers whether federated MCP servers that the catalog names by a public URL (Semgrep,
     *                         DeepWiki) are used; off by default so that tests stay on loopback, on for
     *                         {@code ./tollgate local}. An explicit {@code TOLLGATE_UPSTREAM_<ID>_URL} always applies.
     */
    public record Options(Path repoRoot, String host, int port, Path dataDir, Map<String, String> environment,
                          Consumer<String> requestLog, ExecutionInterceptor awsInterceptor, boolean hostedMcpServers,
                          URI externalDynamo) {
        public static Options defaults(Path repoRoot) {
            return new Options(repoRoot, "127.0.0.1", 0, null, Map.of(), null, null, false, null);
        }

        /**
         * Uses the DynamoDB Local already running at this loopback endpoint (another process) instead of starting one
         * in this JVM; its tables are created if missing, and it keeps running after {@link #close()}.
         */
        public Options withExternalDynamo(URI endpoint) {
            return new Options(repoRoot, host, port, dataDir, environment, requestLog, awsInterceptor, hostedMcpServers,
                    endpoint);
        }

        public Options withPort(int newPort) {
            return new Options(repoRoot, host, newPort, dataDir, environment, requestLog, awsInterceptor,
                    hostedMcpServers, externalDynamo);
        }

        public Options withDataDir(Path dir) {
            return new Options(repoRoot, host, port, dir, environment, requestLog, awsInterceptor, hostedMcpServers,
                    externalDynamo);
        }

        public Options withEnvironment(Map<String, String> env) {
            return new Options(repoRoot, host, port, dataDir, env, requestLog, awsInterceptor, hostedMcpServers,
                    externalDynamo);
        }

        /** One line per request the emulator relays; {@code null} (the default) for none. */
        public Options withRequestLog(Consumer<String> log) {
            return new Options(repoRoot, host, port, dataDir, environment, log, awsInterceptor, hostedMcpServers,
                    externalDynamo);
        }

        /** Observes every AWS SDK call the handlers make (benchmarks count round trips with it). */
        public Options withAwsInterceptor(ExecutionInterceptor interceptor) {
            return new Options(repoRoot, host, port, dataDir, environment, requestLog, interceptor, hostedMcpServers,
                    externalDynamo);
        }

        public Options withHostedMcpServers(boolean use) {
            return new Options(repoRoot, host, port, dataDir, environment, requestLog, awsInterceptor, use,
                    externalDynamo);
        }
    }

    /** The seeded demo account and its credentials. */
    public record Demo(String accountId, String apiKey) {
    }

    private LocalTollgate(LocalDynamo dynamo, LocalApiGateway gateway, ScheduledExecutorService scheduler,
                          Services services, Config config, List<String> mountedFunctions, boolean consoleServed) {
        this.dynamo = dynamo;
        this.gateway = gateway;
        this.scheduler = scheduler;
        this.services = services;
        this.config = config;
        this.mountedFunctions = mountedFunctions;
        this.consoleServed = consoleServed;
    }

    public static LocalTollgate start(Options options) {
        SamTemplate template = SamTemplate.load(options.repoRoot().resolve("template.yaml"));
        LocalDynamo dynamo = options.externalDynamo() != null ? LocalDynamo.connect(options.externalDynamo())
                : LocalDynamo.start(0, options.dataDir());
        try {
            Map<String, String> tableNames = new HashMap<>();
            for (TableSpec table : template.tables()) {
                tableNames.put(table.logicalId(), "tollgate-local-" + table.logicalId());
            }
            dynamo.createTables(template, tableNames::get);
            Map<String, String> environment = new LinkedHashMap<>();
            if (!options.hostedMcpServers()) {
                environment.putAll(withoutHostedMcpServers());
            }
            environment.putAll(options.environment());
            Config config = Config.of(configuration(template, tableNames, dynamo.endpoint(), environment,
                    options.repoRoot()));
            config = withKmsKey(config);
            Services services = Services.create(config, java.time.Clock.systemUTC(), options.awsInterceptor());
            registerPlatformKeys(services);

            Map<String, Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>> invokers = new LinkedHashMap<>();
            Map<String, BiConsumer<APIGatewayV2HTTPEvent, OutputStream>> streamingInvokers = new LinkedHashMap<>();
            List<FunctionSpec> mounted = new java.util.ArrayList<>();
            List<Runnable> scheduled = new java.util.ArrayList<>();
            List<String> names = new java.util.ArrayList<>();
            for (FunctionSpec function : template.functions()) {
                RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler = instantiate(function, services);
                if (handler == null) {
                    continue;
                }
                if (function.routes().isEmpty()) {
                    // No HTTP routes: a scheduled function (the sweeper). Locally it runs once a minute, like its
                    // EventBridge rule, with an event whose content it does not read.
                    @SuppressWarnings("unchecked")
                    RequestHandler<Object, Object> job = (RequestHandler<Object, Object>) (RequestHandler<?, ?>) handler;
                    String name = function.logicalId();
                    names.add(name + " (every minute)");
                    scheduled.add(() -> job.handleRequest(Map.of("source", "tollgate.local", "detail-type", "Scheduled Event"),
                            new LocalContext(name)));
                    continue;
                }
                String name = function.logicalId();
                invokers.put(name, event -> handler.handleRequest(event, new LocalContext(name)));
                if (handler instanceof StreamingHandler streaming) {
                    // As behind a Function URL in RESPONSE_STREAM mode: streamed answers reach the client as written.
                    streamingInvokers.put(name, streaming::handleStreaming);
                }
                mounted.add(function);
                names.add(name);
            }
            // API Gateway checks SigV4 on the admin routes before the function runs; locally the same place checks
            // the admin token, and the function sees the same authorizer.iam block it gets when deployed.
            byte[] adminToken = ("Bearer " + config.require("TOLLGATE_ADMIN_TOKEN")).getBytes(StandardCharsets.UTF_8);
            LocalApiGateway.Options gatewayOptions = LocalApiGateway.Options.defaults()
                    .withIamHeader("authorization", presented -> presented != null && MessageDigest.isEqual(
                            presented.getBytes(StandardCharsets.UTF_8), adminToken))
                    .withRequestLog(options.requestLog());
            if (Boolean.getBoolean(CONTRACT_CHECK_PROPERTY)) {
                gatewayOptions = gatewayOptions.withResponseCheck(
                        OpenApiContract.load(options.repoRoot().resolve("docs/openapi.yaml"))::check);
            }
            Path console = options.repoRoot().resolve("console");
            if (java.nio.file.Files.isRegularFile(console.resolve("index.html"))) {
                // What CloudFront does when deployed: the console's files on the API's own origin.
                gatewayOptions = gatewayOptions.withStaticSite(new StaticSite(CONSOLE_PATH, console,
                        template.consoleResponseHeaders()));
            }
            LocalApiGateway gateway = new LocalApiGateway(mounted, invokers, streamingInvokers, options.host(),
                    options.port(), gatewayOptions);
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "tollgate-local-schedule");
                thread.setDaemon(true);
                return thread;
            });
            for (Runnable job : scheduled) {
                scheduler.scheduleWithFixedDelay(() -> {
                    try {
                        job.run();
                    } catch (RuntimeException e) {
                        LOG.error("scheduled function failed", e);
                    }
                }, 60, 60, TimeUnit.SECONDS);
            }
            return new LocalTollgate(dynamo, gateway, scheduler, services, config,
                    List.copyOf(names), gatewayOptions.staticSite() != null);
        } catch (RuntimeException e) {
            dynamo.close();
            throw e;
        }
    }

    /**
     * The functions' environment as template.yaml sets it, with local table names, DynamoDB Local's endpoint, the
     * local admin token mode, test-mode API keys, private upstreams allowed (a laptop's own Ollama) and loopback
     * browser origins on /mcp, then whatever the caller overrides.
     */
    static Map<String, String> configuration(SamTemplate template, Map<String, String> tableNames, URI dynamoEndpoint,
                                             Map<String, String> overrides, Path repoRoot) {
        Map<String, String> env = new LinkedHashMap<>();
        template.globalEnvironment().forEach((name, value) -> env.put(name, tableNames.getOrDefault(value, value)));
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoEndpoint.toString());
        env.put("TOLLGATE_STAGE", "local");
        env.put("TOLLGATE_TOKEN_PREFIX", "tg_test_");
        env.put("TOLLGATE_ADMIN_TOKEN", "tga_" + HexFormat.of().formatHex(randomBytes(24)));
        // Template parameters (!Ref BalanceShards, !Ref LogLevel) have no value outside CloudFormation.
        env.put("TOLLGATE_BALANCE_SHARDS", "1");
        env.put("TOLLGATE_LOG_LEVEL", "INFO");
        // The local keyring unless a KMS endpoint (moto, LocalStack) is configured; its master key file lives in
        // .tollgate/ at the repository root unless TOLLGATE_MASTER_KEY is set.
        boolean kmsEndpoint = overrides.containsKey("AWS_ENDPOINT_URL_KMS") || overrides.containsKey("AWS_ENDPOINT_URL");
        env.put("TOLLGATE_KMS_MODE", kmsEndpoint ? "aws" : "local");
        env.put("TOLLGATE_KEYRING_DIR", repoRoot.resolve(".tollgate").toString());
        env.put("TOLLGATE_ALLOW_PRIVATE_UPSTREAMS", "true");
        // A browser MCP client on another local port (MCP Inspector) may call /mcp; deployed, only the allow-list.
        env.put("TOLLGATE_MCP_ALLOW_LOOPBACK_ORIGINS", "true");
        env.remove("TOLLGATE_KMS_KEY_ID");
        env.remove("JAVA_TOOL_OPTIONS");
        env.putAll(overrides);
        return env;
    }

    /** {@code TOLLGATE_UPSTREAM_<ID>_URL=off} for every federated MCP server of the bundled catalog. */
    static Map<String, String> withoutHostedMcpServers() {
        Map<String, String> off = new LinkedHashMap<>();
        ProviderCatalog.load(Config.of(Map.of())).providers().stream().filter(Provider::isFederated)
                .forEach(p -> off.put(Provider.baseUrlVariable(p.id()), "off"));
        return off;
    }

    /** Against a KMS endpoint without {@code TOLLGATE_KMS_KEY_ID}: creates a key there and uses it. */
    static Config withKmsKey(Config config) {
        if (!"aws".equals(config.get("TOLLGATE_KMS_MODE", "local")) || config.get("TOLLGATE_KMS_KEY_ID").isPresent()) {
            return config;
        }
        try (var kms = new AwsClients(config, null).kms()) {
            String arn = kms.createKey(b -> b.description("tollgate local runner")).keyMetadata().arn();
            return config.with("TOLLGATE_KMS_KEY_ID", arn);
        }
    }

    /** {@code TOLLGATE_PLATFORM_KEY_<ID>=secret} registers the platform key of provider {@code <id>} at start. */
    static void registerPlatformKeys(Services services) {
        String prefix = "TOLLGATE_PLATFORM_KEY_";
        for (var entry : new java.util.TreeMap<>(services.config().asMap()).entrySet()) {
            if (!entry.getKey().startsWith(prefix) || entry.getValue() == null || entry.getValue().isBlank()) {
                continue;
            }
            String provider = entry.getKey().substring(prefix.length()).toLowerCase(java.util.Locale.ROOT);
            try {
                services.keyRegistry().setPlatformKey("local-runner", provider, entry.getValue());
            } catch (TollgateException e) {
                throw new IllegalStateException(entry.getKey() + ": " + e.getMessage());
            }
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    @SuppressWarnings("unchecked")
    private static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> instantiate(FunctionSpec function,
                                                                                               Services services) {
        try {
            Class<?> type = Class.forName(function.handlerClass());
            return (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>)
                    type.getConstructor(Services.class).newInstance(services);
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build handler " + function.handlerClass()
                    + ": it needs a public constructor taking Services", e);
        }
    }

    /** Creates the demo person: plan pro, 100 credits, one API key. */
    public Demo seedDemo() {
        return person("Demo person", Plan.PRO, 100 * Credits.MICROS_PER_CREDIT);
    }

    /** A new person with this plan, a top-up of {@code micros} (if any) and one API key. */
    public Demo person(String name, Plan plan, long micros) {
        var accounts = services.accountService();
        Account account = accounts.create(Account.Type.PERSONAL, plan, name, "local-runner");
        if (micros > 0) {
            accounts.topUp(account.id(), micros, "seed-demo-" + account.id(), "local-runner");
        }
        var key = accounts.issueApiKey(account.id(), "demo", "local-runner");
        return new Demo(account.id(), key.token());
    }

    public URI baseUrl() {
        return gateway.baseUri();
    }

    /** The console's URL, or empty when this checkout has no console/ directory. */
    public java.util.Optional<URI> consoleUrl() {
        return consoleServed ? java.util.Optional.of(gateway.baseUri().resolve(CONSOLE_PATH)) : java.util.Optional.empty();
    }

    public String adminToken() {
        return config.require("TOLLGATE_ADMIN_TOKEN");
    }

    public Services services() {
        return services;
    }

    public Config config() {
        return config;
    }

    public URI dynamoEndpoint() {
        return dynamo.endpoint();
    }

    public List<String> mountedFunctions() {
        return mountedFunctions;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            gateway.close();
        } finally {
            dynamo.close();
        }
    }
}
