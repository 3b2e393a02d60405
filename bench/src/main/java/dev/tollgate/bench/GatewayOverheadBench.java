package dev.tollgate.bench;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import dev.tollgate.local.LocalTollgate;
import dev.tollgate.log.Log;
import dev.tollgate.testkit.RepoRoot;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Gateway overhead (SPEC §11.3): p50/p99 of {@code POST /api/v1/execute} through the local runner (same handlers,
 * DynamoDB Local, local keyring) minus a direct call to the same loopback stub upstream, in credits and BYOK mode.
 * Time spent inside AWS SDK calls is measured separately with an SDK interceptor, and AWS round trips are counted
 * per request. Sequential requests, bounded count.
 */
public final class GatewayOverheadBench {
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}";
    private static final byte[] STUB_RESPONSE = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi!\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":80,\"total_tokens\":92}}").getBytes(StandardCharsets.UTF_8);

    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    private GatewayOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Log.setLevel(Log.Level.WARN);
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, STUB_RESPONSE.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(STUB_RESPONSE);
            }
        });
        // Daemon threads: a failed run must end (with its error) rather than hang on the stub's idle workers.
        stub.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "bench-stub");
            thread.setDaemon(true);
            return thread;
        }));
        stub.start();
        String stubUrl = "http://127.0.0.1:" + stub.getAddress().getPort();

        AwsCallMeter meter = new AwsCallMeter();
        Map<String, String> env = new LinkedHashMap<>(Map.of(
                "TOLLGATE_UPSTREAM_OPENAI_URL", stubUrl,
                "TOLLGATE_PLATFORM_KEY_OPENAI", "sk-proj-benchplatform0000000000000000000000",
                "TOLLGATE_LOG_LEVEL", "WARN"));
        // A KMS endpoint (moto_server): BYOK calls then make their real Decrypt instead of the local keyring's.
        String kms = System.getProperty("tollgate.bench.kms");
        if (kms != null) {
            env.put("AWS_ENDPOINT_URL_KMS", kms);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // DynamoDB Local in its own JVM, as a user runs it; -Dtollgate.bench.dynamo=in-process for the earlier method.
        boolean inProcess = "in-process".equals(System.getProperty("tollgate.bench.dynamo"));
        LocalTollgate.Options options = LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(env)
                .withAwsInterceptor(meter);
        try (DynamoLocalProcess dynamo = inProcess ? null : DynamoLocalProcess.start();
             LocalTollgate tollgate = LocalTollgate.start(dynamo == null ? options
                     : options.withExternalDynamo(dynamo.endpoint()))) {
            String base = tollgate.baseUrl().toString().replaceAll("/$", "");
            var accounts = tollgate.services().accountService();
            Account credits = accounts.create(Account.Type.PERSONAL, Plan.PRO, "credits", "bench");
            accounts.topUp(credits.id(), 1_000_000L * 100_000, "bench", "bench");
            String creditsKey = accounts.issueApiKey(credits.id(), "bench", "bench").token();
            Account byok = accounts.create(Account.Type.PERSONAL, Plan.PRO, "byok", "bench");
            accounts.topUp(byok.id(), 1_000_000L * 100, "bench", "bench");
            String byokKey = accounts.issueApiKey(byok.id(), "bench", "bench").token();
            tollgate.services().keyRegistry().registerPersonal(byok, "bench", "openai",
                    "sk-proj-benchcustomer000000000000000000000", null, false);

            HttpRequest direct = HttpRequest.newBuilder(URI.create(stubUrl + "/v1/chat/completions"))
                    .header("Authorization", "Bearer sk-proj-direct").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
            String execute = "{\"tool\":\"openai\",\"operation\":\"chat_completion\",\"input\":" + CHAT + "}";
            Map<String, HttpRequest> cases = new LinkedHashMap<>();
            cases.put("direct to stub", direct);
            cases.put("execute credits", executeRequest(base, creditsKey, execute));
            cases.put("execute byok", executeRequest(base, byokKey, execute));
            String peer = System.getProperty("tollgate.bench.peer");
            if (peer != null) {
                // The open-source Portkey gateway on the same stub: its own overhead is the yardstick (SPEC §11.3).
                cases.put("portkey peer", HttpRequest.newBuilder(URI.create(peer + "/v1/chat/completions"))
                        .header("x-portkey-provider", "openai").header("x-portkey-custom-host", stubUrl + "/v1")
                        .header("Authorization", "Bearer sk-proj-direct").header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());
            }

            for (Map.Entry<String, HttpRequest> c : cases.entrySet()) {
                for (int i = 0; i < warmup; i++) {
                    send(http, c.getValue());
                }
                meter.reset();
                long[] nanos = new long[requests];
                long[] withoutAws = new long[requests];
                long cpuBefore = PROCESS.getProcessCpuTime();
                long peerCpuBefore = c.getKey().equals("portkey peer") ? peerCpuMillis() : -1;
                for (int i = 0; i < requests; i++) {
                    long awsBefore = meter.totalNanos();
                    long started = System.nanoTime();
                    send(http, c.getValue());
                    nanos[i] = System.nanoTime() - started;
                    // Requests are sequential, so the meter's growth is this request's time inside AWS SDK calls.
                    withoutAws[i] = nanos[i] - (meter.totalNanos() - awsBefore);
                }
                long cpuNanos = PROCESS.getProcessCpuTime() - cpuBefore;
                long peerCpu = peerCpuBefore < 0 ? -1 : peerCpuMillis() - peerCpuBefore;
                Arrays.sort(nanos);
                Arrays.sort(withoutAws);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("case", c.getKey());
                row.put("requests", requests);
                row.put("p50_ms", ms(nanos[requests / 2]));
                row.put("p99_ms", ms(nanos[(int) (requests * 0.99)]));
                row.put("aws_calls_per_request", Math.round(100.0 * meter.totalCalls() / requests) / 100.0);
                row.put("aws_ms_per_request", ms(meter.totalNanos() / requests));
                row.put("p50_without_aws_ms", ms(withoutAws[requests / 2]));
                // CPU of this JVM (client, stub and gateway, SDK included; DynamoDB Local too when in-process) per
                // request: unlike latency it hardly moves with the machine's load.
                row.put("bench_jvm_cpu_ms_per_request", round(cpuNanos / 1e6 / requests));
                if (peerCpu >= 0) {
                    row.put("peer_process_cpu_ms_per_request", round((double) peerCpu / requests));
                }
                row.put("aws_calls", perRequest(meter.snapshot(), requests));
                rows.add(row);
                System.out.println(row);
            }
        } finally {
            stub.stop(0);
        }
        double direct = (double) rows.get(0).get("p50_ms");
        // This JVM's CPU for the client and the stub alone: the lower of the cases that run nothing else here (the
        // direct call, the peer), since the first case measured still pays for some JIT compilation.
        double clientAndStubCpu = rows.stream().filter(r -> r.get("case").equals("direct to stub")
                        || r.get("case").equals("portkey peer"))
                .mapToDouble(r -> (double) r.get("bench_jvm_cpu_ms_per_request")).min().orElse(0);
        for (Map<String, Object> row : rows.subList(1, rows.size())) {
            double overhead = (double) row.get("p50_ms") - direct;
            row.put("overhead_p50_ms", round(overhead));
            row.put("overhead_without_aws_ms", round(overhead - (double) row.get("aws_ms_per_request")));
            // The same figure from each request's own AWS time: a slow DynamoDB Local call in the tail (which the
            // mean carries into the figure above) no longer pulls it down.
            row.put("own_overhead_p50_ms", round((double) row.get("p50_without_aws_ms") - direct));
            if (!row.get("case").equals("portkey peer")) {
                // The peer's own CPU is in its Node process, which this JVM does not see.
                row.put("gateway_cpu_ms_per_request",
                        round((double) row.get("bench_jvm_cpu_ms_per_request") - clientAndStubCpu));
            }
        }
        rows.stream().filter(r -> r.get("case").equals("portkey peer")).findFirst().ifPresent(peerRow -> {
            double peerOverhead = (double) peerRow.get("overhead_p50_ms");
            for (Map<String, Object> row : rows.subList(1, rows.size())) {
                if (peerOverhead > 0 && !row.equals(peerRow)) {
                    row.put("own_overhead_vs_peer", round((double) row.get("overhead_without_aws_ms") / peerOverhead));
                    row.put("own_overhead_p50_vs_peer", round((double) row.get("own_overhead_p50_ms") / peerOverhead));
                    row.put("overhead_vs_peer", round((double) row.get("overhead_p50_ms") / peerOverhead));
                    Object peerCpu = peerRow.get("peer_process_cpu_ms_per_request");
                    if (peerCpu != null && (double) peerCpu > 0) {
                        row.put("gateway_cpu_vs_peer_cpu",
                                round((double) row.get("gateway_cpu_ms_per_request") / (double) peerCpu));
                    }
                }
            }
        });
        BenchReport.write("gateway-overhead", Map.of("dynamodb_local", inProcess ? "in-process" : "own process"), rows);
        rows.forEach(System.out::println);
        System.exit(0);
    }

    /**
     * CPU time of the peer's Node process (its pid from bench/run), from /proc: user plus system clock ticks, at
     * Linux's 100 per second. -1 when unknown; then no peer CPU is reported.
     */
    private static long peerCpuMillis() {
        String pid = System.getProperty("tollgate.bench.peer.pid");
        if (pid == null) {
            return -1;
        }
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", pid, "stat"));
            // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th field.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static HttpRequest executeRequest(String base, String token, String body) {
        return HttpRequest.newBuilder(URI.create(base + "/api/v1/execute"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void send(HttpClient http, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("benchmark request failed: " + response.statusCode() + " " + response.body());
        }
    }

    private static Map<String, Double> perRequest(Map<String, Long> calls, int requests) {
        Map<String, Double> out = new LinkedHashMap<>();
        calls.forEach((k, v) -> out.put(k, Math.round(100.0 * v / requests) / 100.0));
        return out;
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

}
