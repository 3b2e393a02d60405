package dev.tollgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Catalog entries of {@code "kind": "mcp"} (SPEC 12.3), and how the tool directory resolves their tools. */
class FederatedCatalogTest {
    private static final String CATALOG = """
            {"providers": [
              {"id": "docs", "name": "Docs", "base_url": "https://docs.test", "auth": "none",
               "byok": false, "platform_key": false,
               "operations": [{"id": "read", "description": "Read.", "method": "GET", "path": "/d", "body": "none",
                 "response": "json", "input_schema": {"type": "object"}, "pricing": {"type": "free"}}]},
              {"id": "browser", "name": "Browser", "kind": "mcp", "url": null, "auth": "none", "byok": false,
               "platform_key": false, "pricing": {"type": "free"}},
              {"id": "paid", "name": "Paid", "kind": "mcp", "url": "https://mcp.paid.test/mcp/", "auth": "header:x-token",
               "key_pattern": "^pk_[a-z0-9]{4,}$", "key_format": "pk_…", "byok": true, "platform_key": true,
               "headers": {"x-client": "tollgate"}, "timeout_ms": 5000,
               "pricing": {"type": "per_call", "credits": "0.25"}, "tools": ["search"]}
            ]}
            """;

    @Test
    void anMcpServerIsAProviderWhoseToolsAreDiscovered() {
        ProviderCatalog catalog = ProviderCatalog.fromJson(CATALOG, Config.of(Map.of()));
        Provider paid = catalog.provider("paid").orElseThrow();
        assertTrue(paid.isFederated());
        assertFalse(paid.isFree());
        assertEquals(Optional.of("https://mcp.paid.test/mcp/"), paid.baseUrl(), "the endpoint is kept as written");
        FederatedServer server = paid.federation().orElseThrow();
        assertEquals(Duration.ofSeconds(5), server.timeout());
        assertEquals(new Pricing.PerCall(250_000), server.pricing());
        assertTrue(server.offers("search"));
        assertFalse(server.offers("delete_everything"));
        assertEquals(Map.of("x-client", "tollgate"), paid.headers());
        assertTrue(paid.acceptsKey("pk_abcd"));
        assertEquals(List.of("paid"), catalog.creditProviders().stream().map(Provider::id).toList());
        assertEquals(Optional.empty(), catalog.provider("browser").orElseThrow().baseUrl());
        assertEquals(1, catalog.operations().size(), "discovered tools are not catalog operations");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "operations on an MCP server | \"tools\": [\"search\"]} | \"tools\": [\"search\"], \"operations\": []} | unknown field 'operations'",
            "token priced MCP server | \"type\": \"per_call\", \"credits\": \"0.25\" | \"type\": \"per_1k_tokens\" | priced free, per_call or byok_only",
            "basic auth | \"auth\": \"header:x-token\" | \"auth\": \"basic\" | bearer or header:<Name>, or none",
            "free with a key | \"type\": \"per_call\", \"credits\": \"0.25\" | \"type\": \"free\" | must have auth none",
            "verify | \"timeout_ms\": 5000 | \"timeout_ms\": 5000, \"verify\": {\"method\": \"GET\", \"path\": \"/\"} | verify is not supported",
            "url with a query | https://mcp.paid.test/mcp/ | https://mcp.paid.test/mcp?key=1 | no user info, query or fragment",
            "unknown kind | \"kind\": \"mcp\", \"url\": null | \"kind\": \"grpc\", \"url\": null | kind must be"})
    void brokenEntriesAreRefused(String name, String from, String to, String fragment) {
        assertTrue(CATALOG.contains(from), "fixture: " + from);
        InvalidCatalogException e = assertThrows(InvalidCatalogException.class,
                () -> ProviderCatalog.fromJson(CATALOG.replace(from, to), Config.of(Map.of())));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void theUrlComesFromTheEnvironmentAndOffSwitchesAServerOff() {
        ProviderCatalog catalog = ProviderCatalog.fromJson(CATALOG, Config.of(Map.of(
                "TOLLGATE_UPSTREAM_BROWSER_URL", "http://127.0.0.1:8931/mcp", "TOLLGATE_UPSTREAM_PAID_URL", "off")));
        assertEquals(Optional.of("http://127.0.0.1:8931/mcp"), catalog.provider("browser").orElseThrow().baseUrl());
        assertEquals(Optional.empty(), catalog.provider("paid").orElseThrow().baseUrl());
        assertThrows(InvalidCatalogException.class, () -> ProviderCatalog.fromJson(CATALOG,
                Config.of(Map.of("TOLLGATE_UPSTREAM_BROWSER_URL", "ftp://x/mcp"))));
    }

    @Test
    void theDirectoryResolvesFederatedToolsOnlyWhenTheServerAnswers() {
        ProviderCatalog catalog = ProviderCatalog.fromJson(CATALOG, Config.of(Map.of()));
        Provider paid = catalog.provider("paid").orElseThrow();
        Operation search = Operation.federated(paid, "search", "Search.", dev.tollgate.json.Json.object().put("type", "object"),
                new UpstreamTool("search", null, null));
        FederatedTools onlyPaid = new FederatedTools() {
            @Override
            public Map<String, List<Operation>> available(List<Provider> servers) {
                return Map.of("paid", List.of(search));
            }

            @Override
            public Optional<List<Operation>> tools(Provider server) {
                return Optional.ofNullable(available(List.of(server)).get(server.id()));
            }

            @Override
            public Optional<List<Operation>> cached(Provider server) {
                return tools(server);
            }

            @Override
            public CompletableFuture<Void> refresh(List<Provider> servers) {
                return CompletableFuture.completedFuture(null);
            }
        };
        ToolDirectory directory = new ToolDirectory(catalog, onlyPaid);
        assertEquals(List.of("docs_read", "paid_search"), directory.operations().stream().map(Operation::toolName).toList());
        assertEquals(List.of("docs", "paid"), directory.operationsByProvider().keySet().stream().map(Provider::id).toList());
        assertEquals(search, directory.operationByToolName("paid_search").orElseThrow());
        assertEquals(Optional.empty(), directory.operation("paid", "other"));
        assertEquals(new ToolDirectory.ToolName("browser", "browser_navigate"),
                directory.parse("browser_browser_navigate").orElseThrow());
        assertEquals(Optional.empty(), directory.parse("nobody_tool"));
        assertEquals(Optional.empty(), directory.parse("docs_write"), "a catalog provider's unknown operation");
        TollgateException down = assertThrows(TollgateException.class, () -> directory.operation("browser", "x"));
        assertEquals(ErrorCode.PROVIDER_UNAVAILABLE, down.code());
        assertEquals(Duration.ofSeconds(5), search.timeout());
        assertEquals(new Pricing.PerCall(250_000), search.pricing());
    }
}
