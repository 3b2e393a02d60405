package dev.tollgate.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.functions.execute.ExecuteHandler;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cold path (SPEC §11.3): a fresh JVM, the Execute handler built as Lambda builds it, and its first successful
 * credits-mode {@code execute} against DynamoDB Local and a loopback stub. The parent prepares data once and starts
 * {@code runs} child JVMs ({@link Probe}); each reports JVM-start→main and main→first response.
 */
public final class ColdStartBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] STUB = ("{\"results\":[{\"title\":\"t\",\"url\":\"https://example.com\"}]}")
            .getBytes(StandardCharsets.UTF_8);

    private ColdStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, STUB.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(STUB);
            }
        });
        stub.start();
        List<Map<String, Object>> rows = new ArrayList<>();
        try (BenchEnvironment env = new BenchEnvironment()) {
            Map<String, String> config = new HashMap<>(env.env);
            config.put("TOLLGATE_UPSTREAM_TAVILY_URL", "http://127.0.0.1:" + stub.getAddress().getPort());
            Services services = env.services(config);
            services.keyRegistry().setPlatformKey("bench", "tavily", "tvly-benchPLATFORMkey0000000001");
            Account account = services.accountService().create(Account.Type.PERSONAL, Plan.PRO, "cold", "bench");
            services.accountService().topUp(account.id(), 1_000_000_000L, "cold", "bench");
            config.put("BENCH_API_KEY", services.accountService().issueApiKey(account.id(), "cold", "bench").token());
            Path file = Files.createTempFile("tollgate-cold", ".json");
            JSON.writeValue(file.toFile(), config);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int i = 0; i < runs; i++) {
                Process child = new ProcessBuilder(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                        "-cp", System.getProperty("java.class.path"), Probe.class.getName(), file.toString())
                        .redirectErrorStream(true).start();
                String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                child.waitFor();
                String last = out.lines().filter(l -> l.startsWith("{\"jvm_to_main_ms\"")).reduce((a, b) -> b)
                        .orElseThrow(() -> new IllegalStateException("probe failed:\n" + out));
                @SuppressWarnings("unchecked")
                Map<String, Object> row = JSON.readValue(last, LinkedHashMap.class);
                rows.add(row);
                System.out.println(row);
            }
            Files.deleteIfExists(file);
        } finally {
            stub.stop(0);
        }
        BenchReport.write("cold-start", rows);
        System.exit(0);
    }

    /** Runs in a fresh JVM: what a Lambda container does from init to its first response. */
    public static final class Probe {
        private Probe() {
        }

        public static void main(String[] args) throws Exception {
            long mainAt = System.currentTimeMillis();
            long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
            @SuppressWarnings("unchecked")
            Map<String, String> env = JSON.readValue(Path.of(args[0]).toFile(), HashMap.class);
            ExecuteHandler handler = new ExecuteHandler(Services.create(Config.of(env)));
            APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder()
                    .withRouteKey("POST /api/v1/execute").withRawPath("/api/v1/execute")
                    .withHeaders(Map.of("authorization", "Bearer " + env.get("BENCH_API_KEY"),
                            "content-type", "application/json"))
                    .withBody("{\"tool\":\"tavily\",\"operation\":\"search\",\"input\":{\"query\":\"cold\"}}")
                    .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                            .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("POST")
                                    .withPath("/api/v1/execute").build()).build())
                    .build();
            var response = handler.handleRequest(event, null);
            long done = System.currentTimeMillis();
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("first execute failed: " + response.getStatusCode() + " " + response.getBody());
            }
            long warmStarted = System.nanoTime();
            handler.handleRequest(event, null);
            long warm = (System.nanoTime() - warmStarted) / 1_000_000;
            System.out.println("{\"jvm_to_main_ms\":" + (mainAt - jvmStart) + ",\"main_to_first_response_ms\":"
                    + (done - mainAt) + ",\"jvm_to_first_response_ms\":" + (done - jvmStart)
                    + ",\"second_request_ms\":" + warm + "}");
            System.exit(0);
        }
    }
}
