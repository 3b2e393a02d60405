package dev.tollgate.local;

import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.testkit.McpTestServer;
import dev.tollgate.testkit.McpTestServer.ToolSpec;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fake federated MCP servers for {@code --mock-upstreams}: one real MCP server (the official SDK's, see
 * {@link McpTestServer}) with an endpoint {@code /<provider>/mcp} per federated provider of the catalog, offering a few
 * tools shaped like the real server's (Playwright's {@code browser_navigate}, Semgrep's {@code semgrep_scan}, ...)
 * with canned answers, so that the offline demo lists and calls federated tools too. A provider without a known
 * shape gets the generic {@link McpTestServer#demoTools()}.
 */
final class MockMcpServers implements AutoCloseable {
    private static final String URL_INPUT = "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\","
            + "\"description\":\"The URL to navigate to\"}},\"required\":[\"url\"],\"additionalProperties\":false}";
    private static final String NO_INPUT = "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}";
    /** A 1×1 transparent PNG: what a screenshot tool returns as image content. */
    private static final String PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    private final McpTestServer server;
    private final List<Provider> federated;

    MockMcpServers(ProviderCatalog catalog) {
        this.federated = catalog.providers().stream().filter(Provider::isFederated).toList();
        List<McpTestServer.Endpoint> endpoints = new ArrayList<>();
        for (Provider p : federated) {
            endpoints.add(McpTestServer.Endpoint.open(path(p), tools(p.id())));
        }
        this.server = McpTestServer.start(0, endpoints);
    }

    /** {@code TOLLGATE_UPSTREAM_<ID>_URL} of every federated provider, pointing at its fake endpoint. */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        federated.forEach(p -> env.put(Provider.baseUrlVariable(p.id()), url(p).toString()));
        return env;
    }

    URI url(Provider provider) {
        return server.url(path(provider));
    }

    private static String path(Provider provider) {
        return "/" + provider.id() + "/mcp";
    }

    private static List<ToolSpec> tools(String provider) {
        return switch (provider) {
            case "playwright" -> List.of(
                    ToolSpec.of("browser_navigate", "Navigate to a URL", URL_INPUT, false, (args, path) ->
                            text(snapshot(String.valueOf(args.get("url"))))),
                    ToolSpec.of("browser_snapshot", "Capture accessibility snapshot of the current page", NO_INPUT, true,
                            (args, path) -> text(snapshot("https://example.com/"))),
                    ToolSpec.of("browser_take_screenshot", "Take a screenshot of the current page", NO_INPUT, true,
                            (args, path) -> McpSchema.CallToolResult.builder()
                                    .addTextContent("Took the screenshot of the current page (mock).")
                                    .addContent(new McpSchema.ImageContent(null, PIXEL_PNG, "image/png"))
                                    .isError(false).build()));
            case "semgrep" -> List.of(
                    ToolSpec.of("semgrep_scan", "Runs a Semgrep scan on provided code content and returns the findings",
                            "{\"type\":\"object\",\"properties\":{\"code_files\":{\"type\":\"array\",\"items\":{"
                                    + "\"type\":\"object\",\"properties\":{\"filename\":{\"type\":\"string\"},"
                                    + "\"content\":{\"type\":\"string\"}},\"required\":[\"filename\",\"content\"]}}},"
                                    + "\"required\":[\"code_files\"]}", true, MockMcpServers::semgrepScan),
                    ToolSpec.of("get_supported_languages", "Returns a list of supported languages by Semgrep", NO_INPUT,
                            true, (args, path) -> McpSchema.CallToolResult.builder()
                                    .addTextContent("[\"python\",\"javascript\",\"typescript\",\"java\",\"go\"]")
                                    .isError(false).build()));
            case "deepwiki" -> List.of(
                    ToolSpec.of("ask_question", "Ask any question about a GitHub repository",
                            "{\"type\":\"object\",\"properties\":{\"repoName\":{\"type\":\"string\"},"
                                    + "\"question\":{\"type\":\"string\"}},\"required\":[\"repoName\",\"question\"]}",
                            true, (args, path) -> text("(mock DeepWiki) " + args.get("repoName") + ": an answer to '"
                                    + args.get("question") + "' would be here.")));
            default -> McpTestServer.demoTools();
        };
    }

    private static McpSchema.CallToolResult semgrepScan(Map<String, Object> args, String path) {
        List<Map<String, Object>> findings = new ArrayList<>();
        Object files = args.get("code_files");
        if (files instanceof List<?> list) {
            for (Object file : list) {
                if (file instanceof Map<?, ?> f && String.valueOf(f.get("content")).toLowerCase(Locale.ROOT).contains("eval(")) {
                    findings.add(Map.of("check_id", "javascript.lang.security.audit.eval-detected",
                            "path", String.valueOf(f.get("filename")), "severity", "WARNING",
                            "message", "Detected the use of eval() (mock finding)"));
                }
            }
        }
        return McpSchema.CallToolResult.builder().addTextContent(findings.size() + " finding(s) (mock Semgrep)")
                .structuredContent(Map.of("results", findings, "errors", List.of())).isError(false).build();
    }

    private static String snapshot(String url) {
        return "### Page state\n- Page URL: " + url + "\n- Page Title: Mock page\n- Page Snapshot:\n```yaml\n"
                + "- heading \"Mock page for " + url + "\" [level=1]\n- link \"More information...\"\n```";
    }

    private static McpSchema.CallToolResult text(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(false).build();
    }

    @Override
    public void close() {
        server.close();
    }
}
