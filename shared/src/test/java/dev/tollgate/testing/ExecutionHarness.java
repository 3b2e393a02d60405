package dev.tollgate.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.app.Services;
import dev.tollgate.auth.Acting;
import dev.tollgate.auth.Caller;
import dev.tollgate.billing.Balance;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.execution.AgentKeyBindings;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.execution.ExecutionRequest;
import dev.tollgate.execution.ExecutionService;
import dev.tollgate.execution.UpstreamClient;
import dev.tollgate.json.Json;
import dev.tollgate.testkit.DynamoExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The execution engine against real parts: DynamoDB Local tables, a WireMock server standing in for every provider
 * (each under {@code /<provider id>}, Ollama at the root because its base URL is the key), and an in-memory vault.
 * {@link #services} is the product wiring (handlers use it); {@link #executor} is an {@link ExecutionService} built
 * from the same parts, optionally with a catalog whose timeouts are shortened for timeout tests.
 */
public final class ExecutionHarness implements AutoCloseable {
    public final WireMockServer wiremock;
    public final InMemoryKeyVault vault = new InMemoryKeyVault();
    public final Services services;
    public final ExecutionService executor;
    public final Config config;

    private ExecutionHarness(DynamoExtension dynamo, int timeoutMs, Map<String, String> extra) {
        this(dynamo, timeoutMs, extra, Clock.systemUTC(), null);
    }

    private ExecutionHarness(DynamoExtension dynamo, int timeoutMs, Map<String, String> extra, Clock clock,
                             ExecutionInterceptor awsInterceptor) {
        wiremock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(64)
                .jettyAcceptors(2));
        wiremock.start();
        Map<String, String> overrides = new HashMap<>();
        ProviderCatalog bundled = ProviderCatalog.load(Config.of(Map.of()));
        for (Provider p : bundled.providers()) {
            if (p.baseUrl().isPresent() && !p.isFederated()) {
                overrides.put(Provider.baseUrlVariable(p.id()), wiremock.baseUrl() + "/" + p.id());
            }
        }
        overrides.put("TOLLGATE_ALLOW_PRIVATE_UPSTREAMS", "true");
        overrides.putAll(extra);
        config = TestServices.config(dynamo, overrides);
        services = Services.create(config, clock, awsInterceptor).withKeyVault(vault);
        ProviderCatalog catalog = timeoutMs > 0 ? ProviderCatalog.fromJson(catalogJson()
                .replaceAll("\"timeout_ms\": *[0-9]+", "\"timeout_ms\": " + timeoutMs), config) : services.catalog();
        executor = new ExecutionService(catalog, vault, services.ledger(), services.idempotencyStore(),
                services.usageStore(), services.atomicWriter(), services.upstreamClient(), AgentKeyBindings.NONE,
                clock, ExecutionService.Settings.from(config));
    }

    /**
     * Every AWS call through {@code awsInterceptor} (fault injection) and every timestamp from {@code clock} (so a
     * test can move past hold TTLs and idempotency leases), with operation timeouts of {@code timeoutMs}.
     */
    public static ExecutionHarness withFaults(DynamoExtension dynamo, int timeoutMs, Clock clock,
                                              ExecutionInterceptor awsInterceptor) {
        return new ExecutionHarness(dynamo, timeoutMs, Map.of(), clock, awsInterceptor);
    }

    public static ExecutionHarness start(DynamoExtension dynamo) {
        return new ExecutionHarness(dynamo, 0, Map.of());
    }

    /** Every operation's timeout set to {@code timeoutMs} (the catalog's minimum is 1000). */
    public static ExecutionHarness withTimeouts(DynamoExtension dynamo, int timeoutMs) {
        return new ExecutionHarness(dynamo, timeoutMs, Map.of());
    }

    public static ExecutionHarness withConfig(DynamoExtension dynamo, Map<String, String> extra) {
        return new ExecutionHarness(dynamo, 0, extra);
    }

    private static String catalogJson() {
        try (InputStream in = ProviderCatalog.class.getResourceAsStream("/catalog.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An account as its API key's holder sees it. */
    public record Customer(Acting acting, String token) {
        public String accountId() {
            return acting.accountId();
        }
    }

    /** A new account with the plan, {@code micros} of credits, and an API key. */
    public Customer customer(Plan plan, long micros) {
        var accounts = services.accountService();
        Account account = accounts.create(Account.Type.PERSONAL, plan, "t", "test");
        if (micros > 0) {
            accounts.topUp(account.id(), micros, "seed-" + account.id(), "test");
        }
        var key = accounts.issueApiKey(account.id(), "k", "test");
        return new Customer(new Acting(new Caller(key.record().keyId(), Caller.PrincipalType.PERSON, account.id(),
                account.id()), account), key.token());
    }

    /** A new account with an API key, the plan, and {@code micros} of credits. */
    public Acting account(Plan plan, long micros) {
        var accounts = services.accountService();
        Account account = accounts.create(Account.Type.PERSONAL, plan, "t", "test");
        if (micros > 0) {
            accounts.topUp(account.id(), micros, "seed-" + account.id(), "test");
        }
        var key = accounts.issueApiKey(account.id(), "k", "test");
        return new Acting(new Caller(key.record().keyId(), Caller.PrincipalType.PERSON, account.id(), account.id()),
                account);
    }

    /** The same account after an operator changed its plan. */
    public Acting withPlan(Acting acting, Plan plan) {
        Account updated = services.accountService().update(acting.accountId(), plan, null, "test");
        return new Acting(acting.caller(), updated);
    }

    /** Executes through the product body shape {@code {"tool","operation","input"}}. */
    public ExecutionOutcome execute(Acting acting, String tool, String operation, String inputJson, String idempotencyKey) {
        ObjectNode body = Json.object();
        body.put("tool", tool);
        body.put("operation", operation);
        body.set("input", parse(inputJson));
        return executor.execute(acting, new ExecutionRequest(tool, operation, body.get("input"), idempotencyKey,
                dev.tollgate.domain.Ids.newId("req"), body));
    }

    public ExecutionOutcome execute(Acting acting, String tool, String operation, String inputJson) {
        return execute(acting, tool, operation, inputJson, null);
    }

    public static JsonNode parse(String json) {
        try {
            return Json.read(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Balance balance(Acting acting) {
        return services.ledger().balance(acting.accountId());
    }

    public List<UsageRecord> usage(Acting acting) {
        List<UsageRecord> out = new ArrayList<>();
        Instant now = Instant.now();
        services.usageStore().scan(acting.accountId(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofMinutes(5)),
                10_000, out::add);
        return out;
    }

    @Override
    public void close() {
        wiremock.stop();
    }
}
