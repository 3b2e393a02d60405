package dev.tollgate.app;

import dev.tollgate.a2a.A2aDispatcher;
import dev.tollgate.a2a.A2aEndpoint;
import dev.tollgate.a2a.A2aTasks;
import dev.tollgate.a2a.AgentCards;
import dev.tollgate.account.AccountService;
import dev.tollgate.account.AccountStore;
import dev.tollgate.account.KeyInfoService;
import dev.tollgate.audit.AuditLog;
import dev.tollgate.audit.AuditTrail;
import dev.tollgate.auth.ApiKeyStore;
import dev.tollgate.auth.Authenticator;
import dev.tollgate.billing.AccountActivity;
import dev.tollgate.billing.AtomicWriter;
import dev.tollgate.billing.CreditLedger;
import dev.tollgate.billing.HoldSweeper;
import dev.tollgate.billing.IdempotencyStore;
import dev.tollgate.billing.UsageStore;
import dev.tollgate.catalog.FederatedTools;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.catalog.ToolDirectory;
import dev.tollgate.execution.FederatedCall;
import dev.tollgate.federation.McpFederation;
import dev.tollgate.config.Config;
import dev.tollgate.execution.AgentKeyBindings;
import dev.tollgate.execution.ExecutionService;
import dev.tollgate.execution.ToolCallBatch;
import dev.tollgate.execution.ToolExecutor;
import dev.tollgate.execution.ToolInvoker;
import dev.tollgate.execution.UpstreamClient;
import dev.tollgate.store.DynamoA2aTaskStore;
import dev.tollgate.execution.UpstreamKeyVerifier;
import dev.tollgate.store.DynamoAtomicWriter;
import dev.tollgate.store.DynamoIdempotencyStore;
import dev.tollgate.store.DynamoUsageStore;
import dev.tollgate.vault.KeyVault;
import dev.tollgate.mcp.McpDispatcher;
import dev.tollgate.mcp.McpEndpoint;
import dev.tollgate.mcp.McpSettings;
import dev.tollgate.mcp.McpTools;
import dev.tollgate.openai.ChatModels;
import dev.tollgate.openai.OpenAiEndpoint;
import dev.tollgate.store.AwsClients;
import dev.tollgate.store.DynamoAccountStore;
import dev.tollgate.store.DynamoEntryStore;
import dev.tollgate.store.DynamoApiKeyStore;
import dev.tollgate.store.DynamoAuditTrail;
import dev.tollgate.store.DynamoProviderKeyStore;
import dev.tollgate.store.DynamoCreditLedger;
import dev.tollgate.store.DynamoWorkspaceStore;
import dev.tollgate.store.Tables;
import dev.tollgate.vault.AwsKmsDataKeys;
import dev.tollgate.vault.DataKeyService;
import dev.tollgate.vault.EnvelopeCipher;
import dev.tollgate.vault.EnvelopeKeyVault;
import dev.tollgate.vault.KeyRegistry;
import dev.tollgate.vault.KeyVerifier;
import dev.tollgate.vault.LocalKeyring;
import dev.tollgate.vault.ProviderKeyStore;
import java.nio.file.Path;
import dev.tollgate.workspace.WorkspaceService;
import dev.tollgate.workspace.WorkspaceStore;
import java.time.Clock;
import java.util.function.Supplier;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Wiring for one container: builds each client and service on first use and keeps it, so a function only pays for
 * what its routes touch (the Balance function never builds a KMS client). Deployed handlers use
 * {@link #fromEnvironment()}; the local runner and tests build one from their own {@link Config}.
 */
public final class Services {
    private static volatile Services fromEnvironment;

    private final Config config;
    private final Clock clock;
    private final ExecutionInterceptor awsInterceptor;

    private final Supplier<AwsClients> aws = lazy(this::buildAwsClients);
    private final Supplier<DynamoDbClient> dynamo = lazy(() -> aws().dynamoDb());
    private final Supplier<Tables> tables = lazy(() -> Tables.from(config()));
    private final Supplier<ProviderCatalog> catalog = lazy(() -> ProviderCatalog.load(config()));
    private final Supplier<AccountStore> accountStore = lazy(() -> new DynamoAccountStore(dynamo(), tables().accounts()));
    private final Supplier<ApiKeyStore> apiKeyStore = lazy(() -> new DynamoApiKeyStore(dynamo(), tables().apiKeys()));
    private final Supplier<CreditLedger> ledger = lazy(() -> new DynamoCreditLedger(dynamo(), tables(), balanceShards(), clock()));
    private final Supplier<DynamoAuditTrail> audit = lazy(() -> new DynamoAuditTrail(dynamo(), tables().audit(), clock()));
    private final Supplier<DataKeyService> dataKeys = lazy(this::buildDataKeys);
    private final Supplier<EnvelopeCipher> envelope = lazy(() -> new EnvelopeCipher(this::dataKeys));
    private final Supplier<ProviderKeyStore> providerKeyStore = lazy(() ->
            new DynamoProviderKeyStore(dynamo(), tables().providerKeys()));
    private final Supplier<EnvelopeKeyVault> envelopeVault = lazy(() ->
            new EnvelopeKeyVault(providerKeyStore(), envelope(), audit(), clock()));
    /** Verification shares the execution's client, built on the first verify call: most functions never make one. */
    private final Supplier<KeyVerifier> keyVerifier = lazy(() ->
            new UpstreamKeyVerifier(request -> upstreamClient().send(request)));
    private final Supplier<KeyRegistry> keyRegistry = lazy(() -> new KeyRegistry(catalog(), providerKeyStore(),
            envelope(), envelopeVault.get(), keyVerifier.get(), audit(), clock()));
    private final Supplier<Authenticator> authenticator = lazy(() -> new Authenticator(apiKeyStore(), clock()));
    private final Supplier<AccountService> accountService = lazy(() -> new AccountService(accountStore(), apiKeyStore(),
            ledger(), audit(), clock(), config().get("TOLLGATE_TOKEN_PREFIX", "tg_test_"), balanceShards()));
    private final Supplier<WorkspaceStore> workspaceStore = lazy(() -> new DynamoWorkspaceStore(dynamo(), tables().accounts()));
    private final Supplier<WorkspaceService> workspaceService = lazy(() -> new WorkspaceService(workspaceStore(),
            accountService(), apiKeyStore(), keyVault(), keyRegistry(), audit(), clock(), balanceShards()));
    private final Supplier<CustomerGate> customerGate = lazy(() -> new CustomerGate(authenticator(),
            new DynamoEntryStore(dynamo(), tables()), balanceShards(), accountService(), workspaceStore()));
    private final Supplier<AdminGate> adminGate = lazy(AdminGate::new);
    private final Supplier<KeyInfoService> keyInfo = lazy(() -> new KeyInfoService(accountService(), catalog(),
            keyRegistry(), keyVault()));
    private final Supplier<IdempotencyStore> idempotencyStore = lazy(() ->
            new DynamoIdempotencyStore(dynamo(), tables().idempotency()));
    private final Supplier<UsageStore> usageStore = lazy(() -> new DynamoUsageStore(dynamo(), tables().usage()));
    private final Supplier<AtomicWriter> atomicWriter = lazy(() -> new DynamoAtomicWriter(dynamo()));
    private final Supplier<UpstreamClient> upstreamClient = lazy(() ->
            new UpstreamClient(config().getBoolean("TOLLGATE_ALLOW_PRIVATE_UPSTREAMS", false)));
    private final Supplier<ToolExecutor> toolExecutor = lazy(() -> new ExecutionService(toolDirectory(),
            federatedCall(), keyVault(), ledger(), idempotencyStore(), usageStore(), atomicWriter(), upstreamClient(),
            agentKeyBindings(), clock(), ExecutionService.Settings.from(config())));
    private final Supplier<Object> federation = lazy(this::buildFederation);
    private final Supplier<ToolDirectory> toolDirectory = lazy(() -> new ToolDirectory(catalog(), federatedTools()));
    private final Supplier<AgentKeyBindings> agentKeyBindings = lazy(() ->
            AgentKeyBindings.fromWorkspaces(workspaceStore(), keyVault()));
    private final Supplier<HoldSweeper> holdSweeper = lazy(() -> new HoldSweeper(ledger(), clock()));
    private final Supplier<AccountActivity> accountActivity = lazy(() -> new AccountActivity(ledger(), usageStore(), clock()));
    private final Supplier<McpEndpoint> mcpEndpoint = lazy(() -> mcpEndpoint(toolExecutor()));
    private final Supplier<OpenAiEndpoint> openAiEndpoint = lazy(() -> new OpenAiEndpoint(toolExecutor(),
            customerGate()::enter, new ChatModels(catalog()), clock()));
    private final Supplier<ToolInvoker> toolInvoker = lazy(() -> toolInvoker(toolExecutor()));
    private final Supplier<ToolCallBatch> toolCallBatch = lazy(() -> new ToolCallBatch(toolInvoker(), clock(),
            ToolCallBatch.budget(config())));
    private final Supplier<A2aEndpoint> a2aEndpoint = lazy(() -> a2aEndpoint(toolExecutor()));

    /** Set by {@link #withKeyVault} (tests, local tools); null means build the configured vault. */
    private final KeyVault keyVaultOverride;

    private Services(Config config, Clock clock, ExecutionInterceptor awsInterceptor, KeyVault keyVaultOverride) {
        this.config = config;
        this.clock = clock;
        this.awsInterceptor = awsInterceptor;
        this.keyVaultOverride = keyVaultOverride;
    }

    public static Services create(Config config) {
        return new Services(config, Clock.systemUTC(), null, null);
    }

    public static Services create(Config config, Clock clock, ExecutionInterceptor awsInterceptorOrNull) {
        return new Services(config, clock, awsInterceptorOrNull, null);
    }

    /**
     * A fresh wiring of the same configuration whose {@link #keyVault()} is {@code vault} (tests pass an in-memory
     * vault). Build it before use: nothing built by this instance is shared with the copy.
     */
    public Services withKeyVault(KeyVault vault) {
        return new Services(config, clock, awsInterceptor, vault);
    }

    /** One per container, shared by the handler instances Lambda creates. */
    public static Services fromEnvironment() {
        Services current = fromEnvironment;
        if (current == null) {
            synchronized (Services.class) {
                current = fromEnvironment;
                if (current == null) {
                    current = create(Config.fromEnvironment());
                    fromEnvironment = current;
                    SnapStartPriming.register(current);
                }
            }
        }
        return current;
    }

    public Config config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public int balanceShards() {
        return config.getInt("TOLLGATE_BALANCE_SHARDS", 1);
    }

    AwsClients buildAwsClients() {
        return new AwsClients(config, awsInterceptor);
    }

    public AwsClients aws() {
        return aws.get();
    }

    public DynamoDbClient dynamo() {
        return dynamo.get();
    }

    public Tables tables() {
        return tables.get();
    }

    public ProviderCatalog catalog() {
        return catalog.get();
    }

    public AccountStore accountStore() {
        return accountStore.get();
    }

    public ApiKeyStore apiKeyStore() {
        return apiKeyStore.get();
    }

    public CreditLedger ledger() {
        return ledger.get();
    }

    public AuditTrail audit() {
        return audit.get();
    }

    public AuditLog auditLog() {
        return audit.get();
    }

    /**
     * The KMS port: AWS KMS ({@code TOLLGATE_KMS_MODE=aws}, the default; key {@code TOLLGATE_KMS_KEY_ID}) or the
     * local keyring ({@code local}: {@code TOLLGATE_MASTER_KEY} or {@code .tollgate/master.key}). Built on first use,
     * so functions without KMS routes never create a KMS client.
     */
    public DataKeyService dataKeys() {
        return dataKeys.get();
    }

    DataKeyService buildDataKeys() {
        String mode = config.get("TOLLGATE_KMS_MODE", "aws");
        switch (mode) {
            case "aws":
                return new AwsKmsDataKeys(aws().kms(), config.require("TOLLGATE_KMS_KEY_ID"));
            case "local":
                String keyId = config.get("TOLLGATE_KMS_KEY_ID").filter(id -> id.startsWith(LocalKeyring.PREFIX))
                        .orElse(LocalKeyring.PREFIX + "default");
                Path dir = config.get("TOLLGATE_KEYRING_DIR").map(Path::of)
                        .orElseGet(() -> Path.of(System.getProperty("tollgate.repo.root", "."), ".tollgate"));
                return LocalKeyring.fromDirectory(dir, keyId, config.get("TOLLGATE_MASTER_KEY").orElse(null));
            default:
                throw new IllegalStateException("TOLLGATE_KMS_MODE must be 'aws' or 'local'");
        }
    }

    public EnvelopeCipher envelope() {
        return envelope.get();
    }

    public ProviderKeyStore providerKeyStore() {
        return providerKeyStore.get();
    }

    /**
     * The port the execution engine uses to find and lend provider keys: the envelope vault, or the vault given to
     * {@link #withKeyVault} (tests).
     */
    public KeyVault keyVault() {
        return keyVaultOverride != null ? keyVaultOverride : envelopeVault.get();
    }

    /** BYOK and platform key registration, listing, verification, deletion and rewrap. */
    public KeyRegistry keyRegistry() {
        return keyRegistry.get();
    }

    public Authenticator authenticator() {
        return authenticator.get();
    }

    public AccountService accountService() {
        return accountService.get();
    }

    public WorkspaceStore workspaceStore() {
        return workspaceStore.get();
    }

    public WorkspaceService workspaceService() {
        return workspaceService.get();
    }

    public CustomerGate customerGate() {
        return customerGate.get();
    }

    public AdminGate adminGate() {
        return adminGate.get();
    }

    public KeyInfoService keyInfo() {
        return keyInfo.get();
    }

    /** Agent key pins (SPEC 9.2): the workspace key an agent's bindings name for a provider. */
    public AgentKeyBindings agentKeyBindings() {
        return agentKeyBindings.get();
    }

    public IdempotencyStore idempotencyStore() {
        return idempotencyStore.get();
    }

    public UsageStore usageStore() {
        return usageStore.get();
    }

    public AtomicWriter atomicWriter() {
        return atomicWriter.get();
    }

    public UpstreamClient upstreamClient() {
        return upstreamClient.get();
    }

    /**
     * Every operation reachable through any door: the catalog's and the tools of federated MCP servers (SPEC 12.3).
     * Tool listings, A2A skills and tool-name lookups go through it.
     */
    public ToolDirectory toolDirectory() {
        return toolDirectory.get();
    }

    /**
     * The federated MCP servers' tools; none where the catalog names no server or this function ships no MCP schema
     * types.
     */
    public FederatedTools federatedTools() {
        return federation.get() instanceof FederatedTools tools ? tools : FederatedTools.NONE;
    }

    /** The upstream call for federated MCP servers' tools. */
    public FederatedCall federatedCall() {
        return federation.get() instanceof FederatedCall call ? call : FederatedCall.NONE;
    }

    /**
     * {@link McpFederation} when the catalog names a federated MCP server and the MCP SDK's schema types are on the
     * classpath. A function jar without them (one whose routes run no tool) never loads the class; a function that runs
     * tools but was built without them logs once and treats the servers as unavailable rather than failing every
     * request. Its sessions go through the one upstream client.
     */
    private Object buildFederation() {
        if (catalog().providers().stream().noneMatch(Provider::isFederated)) {
            return FederatedTools.NONE;
        }
        try {
            Class.forName("io.modelcontextprotocol.spec.McpSchema", false, Services.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            dev.tollgate.log.Log.get(Services.class).error("federated MCP servers are in the catalog but this function "
                    + "ships no MCP schema types (mcp-core, mcp-json-jackson2); their tools are unavailable", null);
            return FederatedTools.NONE;
        }
        return new McpFederation(upstreamClient(), keyVault(), clock(), McpFederation.Settings.from(config()),
                config().get("TOLLGATE_VERSION", "0.1.0"));
    }

    /** The one execution engine behind REST ({@code POST /api/v1/execute}) and MCP ({@code tools/call}). */
    public ToolExecutor toolExecutor() {
        return toolExecutor.get();
    }

    public HoldSweeper holdSweeper() {
        return holdSweeper.get();
    }

    public AccountActivity accountActivity() {
        return accountActivity.get();
    }

    /** {@code /mcp}: transport rules, JSON-RPC dispatch, tools through the one execution engine (SPEC 10). */
    public McpEndpoint mcpEndpoint() {
        return mcpEndpoint.get();
    }

    /** {@code /v1/models} and {@code /v1/chat/completions} through the one execution engine (SPEC 14.2). */
    public OpenAiEndpoint openAiEndpoint() {
        return openAiEndpoint.get();
    }

    /** One tool call as the protocol doors make it (A2A, OpenAI tool calls), over the one execution engine. */
    public ToolInvoker toolInvoker() {
        return toolInvoker.get();
    }

    /** A tool invoker over the given execution engine (tests use a fake one); not cached. */
    public ToolInvoker toolInvoker(ToolExecutor executor) {
        // The account view is built on its first use: most calls never ask for it.
        return new ToolInvoker(executor, acting -> keyInfo().describe(acting), toolDirectory());
    }

    /** {@code POST /api/v1/tool-calls}: an OpenAI answer's tool calls through the one execution engine (SPEC 12.2). */
    public ToolCallBatch toolCallBatch() {
        return toolCallBatch.get();
    }

    /** The A2A door: agent card, {@code /a2a} JSON-RPC, tasks kept beside the idempotency records (SPEC 12.1). */
    public A2aEndpoint a2aEndpoint() {
        return a2aEndpoint.get();
    }

    /** An A2A endpoint over the given execution engine (tests use a fake one); not cached. */
    public A2aEndpoint a2aEndpoint(ToolExecutor executor) {
        CustomerGate gate = customerGate();
        A2aTasks tasks = new A2aTasks(toolInvoker(executor), new DynamoA2aTaskStore(dynamo(), tables().idempotency()),
                clock());
        return new A2aEndpoint(new AgentCards(toolDirectory(), config().get("TOLLGATE_VERSION", "0.1.0")), gate::enter,
                new A2aDispatcher(tasks));
    }

    /** A {@code /mcp} endpoint over the given execution engine (tests use a fake one); not cached. */
    public McpEndpoint mcpEndpoint(ToolExecutor executor) {
        McpSettings settings = McpSettings.from(config());
        KeyInfoService accountInfo = keyInfo();
        McpTools tools = new McpTools(executor, accountInfo::describe, toolDirectory(), settings.pageSize());
        CustomerGate gate = customerGate();
        return new McpEndpoint(settings, gate::enter, new McpDispatcher(tools, settings.serverVersion(), settings.limits()));
    }

    /** Thread-safe memoization without holding a lock after the first build. */
    static <T> Supplier<T> lazy(Supplier<T> factory) {
        return new Supplier<>() {
            private volatile T value;

            @Override
            public T get() {
                T v = value;
                if (v == null) {
                    synchronized (this) {
                        v = value;
                        if (v == null) {
                            v = factory.get();
                            value = v;
                        }
                    }
                }
                return v;
            }
        };
    }
}
