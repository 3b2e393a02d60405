package dev.tollgate.testkit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * A real MCP server built with the official MCP Java SDK: its stateful Streamable HTTP servlet transport and sync
 * server, in embedded Tomcat on 127.0.0.1, serving one or more endpoints (e.g. {@code /playwright/mcp}), each with
 * its own tools and optionally a bearer token it requires (anything else gets 401, as a hosted server would answer).
 * It stands in for federated upstreams such as {@code @playwright/mcp}: in tests (in-process, or as a child process
 * through {@link #main}, so a test can kill it) and behind the local runner's {@code --mock-upstreams}.
 */
public final class McpTestServer implements AutoCloseable {
    /** Tool results are plain; nothing declares an outputSchema to validate against. */
    private static final JsonSchemaValidator NOT_VALIDATED =
            (schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(null);
    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    /** Tomcat logs its start and stop at INFO through java.util.logging; the runner's own output is what matters. */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    static {
        TOMCAT_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    /** One tool: its declaration and what it answers. */
    public record ToolSpec(McpSchema.Tool tool, BiFunction<Map<String, Object>, String, McpSchema.CallToolResult> handler) {
        /**
         * @param inputSchema JSON Schema of the arguments
         * @param handler     (arguments, endpoint path) → result
         */
        public static ToolSpec of(String name, String description, String inputSchema, boolean readOnly,
                                  BiFunction<Map<String, Object>, String, McpSchema.CallToolResult> handler) {
            McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description)
                    .inputSchema(JSON, inputSchema)
                    .annotations(new McpSchema.ToolAnnotations(null, readOnly, !readOnly, readOnly, true, null))
                    .build();
            return new ToolSpec(tool, handler);
        }
    }

    /** An endpoint: its path, its tools, and the bearer tokens it accepts (empty: it requires none). */
    public record Endpoint(String path, List<ToolSpec> tools, Set<String> acceptedTokens) {
        public Endpoint {
            tools = List.copyOf(tools);
            acceptedTokens = Set.copyOf(acceptedTokens);
        }

        public static Endpoint open(String path, List<ToolSpec> tools) {
            return new Endpoint(path, tools, Set.of());
        }
    }

    private final Tomcat tomcat;
    private final List<McpSyncServer> servers;
    private final Path baseDir;

    private McpTestServer(Tomcat tomcat, List<McpSyncServer> servers, Path baseDir) {
        this.tomcat = tomcat;
        this.servers = servers;
        this.baseDir = baseDir;
    }

    /** Starts on 127.0.0.1:{@code port} (0 picks a free port). */
    public static McpTestServer start(int port, List<Endpoint> endpoints) {
        Path baseDir;
        try {
            baseDir = Files.createTempDirectory("mcp-test-server");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", baseDir.toString());
        List<McpSyncServer> servers = new ArrayList<>();
        int index = 0;
        for (Endpoint endpoint : endpoints) {
            HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(JSON)
                    .mcpEndpoint(endpoint.path())
                    .build();
            List<SyncToolSpecification> tools = new ArrayList<>();
            for (ToolSpec spec : endpoint.tools()) {
                tools.add(SyncToolSpecification.builder().tool(spec.tool())
                        .callHandler((exchange, request) -> spec.handler().apply(
                                request.arguments() == null ? Map.of() : request.arguments(), endpoint.path()))
                        .build());
            }
            servers.add(McpServer.sync(transport)
                    .serverInfo("tollgate-test-upstream", "1.0.0")
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                    .jsonMapper(JSON)
                    .jsonSchemaValidator(NOT_VALIDATED)
                    .tools(tools)
                    .build());
            String name = "mcp" + index++;
            Tomcat.addServlet(context, name, transport).setAsyncSupported(true);
            context.addServletMappingDecoded(endpoint.path(), name);
            if (!endpoint.acceptedTokens().isEmpty()) {
                requireToken(context, name, endpoint);
            }
        }
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            throw new IllegalStateException("cannot start the MCP test server", e);
        }
        return new McpTestServer(tomcat, servers, baseDir);
    }

    private static void requireToken(Context context, String servlet, Endpoint endpoint) {
        Filter filter = (request, response, chain) -> {
            String presented = ((HttpServletRequest) request).getHeader("Authorization");
            if (presented == null || !presented.startsWith("Bearer ")
                    || !endpoint.acceptedTokens().contains(presented.substring("Bearer ".length()))) {
                HttpServletResponse http = (HttpServletResponse) response;
                http.setStatus(401);
                http.setContentType("application/json");
                http.getWriter().write("{\"error\":\"invalid_token\"}");
                return;
            }
            chain.doFilter(request, response);
        };
        FilterDef def = new FilterDef();
        def.setFilterName(servlet + "-auth");
        def.setFilter(filter);
        def.setAsyncSupported("true");
        context.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName(def.getFilterName());
        map.addURLPattern(endpoint.path());
        context.addFilterMap(map);
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() {
        servers.forEach(McpSyncServer::closeGracefully);
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        } finally {
            deleteQuietly(baseDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; nothing depends on its removal
        }
    }

    // --------------------------------------------------------------------------------------------------------------
    // A generic tool set, and a main to run it in a child process
    // --------------------------------------------------------------------------------------------------------------

    /**
     * Tools that exercise what a gateway must forward: {@code echo} (text and structured content), {@code add}
     * (numbers), {@code fail} (an {@code isError} result), {@code reject} (a JSON-RPC error, -32602),
     * {@code text.reverse} (a name with a dot) and {@code hang} (never answers while the process lives).
     */
    public static List<ToolSpec> demoTools() {
        String text = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\",\"minLength\":1}},"
                + "\"required\":[\"text\"],\"additionalProperties\":false}";
        List<ToolSpec> tools = new ArrayList<>();
        tools.add(ToolSpec.of("echo", "Echoes the text back.", text, true, (args, path) -> {
            String value = String.valueOf(args.get("text"));
            return McpSchema.CallToolResult.builder().addTextContent("echo: " + value)
                    .structuredContent(Map.of("text", value, "endpoint", path)).isError(false).build();
        }));
        tools.add(ToolSpec.of("add", "Adds two numbers.", "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},"
                + "\"b\":{\"type\":\"number\"}},\"required\":[\"a\",\"b\"]}", true, (args, path) -> {
            java.math.BigDecimal sum = new java.math.BigDecimal(String.valueOf(args.get("a")))
                    .add(new java.math.BigDecimal(String.valueOf(args.get("b"))));
            return McpSchema.CallToolResult.builder().addTextContent(sum.toPlainString())
                    .structuredContent(Map.of("sum", sum)).isError(false).build();
        }));
        tools.add(ToolSpec.of("fail", "Always reports a tool error (isError).", text, true, (args, path) ->
                McpSchema.CallToolResult.builder().addTextContent("cannot do that: " + args.get("text")).isError(true).build()));
        tools.add(ToolSpec.of("reject", "Refuses its arguments with a JSON-RPC error.", text, true, (args, path) -> {
            throw io.modelcontextprotocol.spec.McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                    .message("text is not acceptable: " + args.get("text")).build();
        }));
        tools.add(ToolSpec.of("text.reverse", "Reverses the text.", text, true, (args, path) ->
                McpSchema.CallToolResult.builder().addTextContent(new StringBuilder(String.valueOf(args.get("text")))
                        .reverse().toString()).isError(false).build()));
        tools.add(ToolSpec.of("hang", "Never answers.", "{\"type\":\"object\"}", true, (args, path) -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return McpSchema.CallToolResult.builder().addTextContent("interrupted").isError(true).build();
        }));
        return tools;
    }

    /**
     * {@code java -cp <test classpath> dev.tollgate.testkit.McpTestServer [--port N] PATH[=TOKEN,...] ...}: serves
     * {@link #demoTools()} at each path (requiring one of the bearer tokens if given) and prints
     * {@value #READY_LINE}{@code <port>} on stdout once it accepts connections. Runs until killed.
     */
    public static void main(String[] args) throws InterruptedException {
        int port = 0;
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--port")) {
                port = Integer.parseInt(args[++i]);
                continue;
            }
            int eq = args[i].indexOf('=');
            endpoints.add(new Endpoint(eq < 0 ? args[i] : args[i].substring(0, eq), demoTools(),
                    eq < 0 ? Set.of() : Set.of(args[i].substring(eq + 1).split(","))));
        }
        if (endpoints.isEmpty()) {
            endpoints.add(Endpoint.open("/mcp", demoTools()));
        }
        McpTestServer server = start(port, endpoints);
        PrintStream out = System.out;
        out.println(READY_LINE + server.port());
        out.flush();
        new CountDownLatch(1).await();
    }

    /** What {@link #main} prints, followed by the port, when it is ready. */
    public static final String READY_LINE = "MCP test server listening on port ";
}
