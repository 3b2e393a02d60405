package dev.tollgate.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tollgate.auth.ApiKeyTokens;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./tollgate local}: runs Tollgate on this machine with no cloud and no Docker, seeds a demo account and prints
 * how to call it. The same values go to {@code .tollgate/local.json} for scripts.
 */
public final class LocalRunner {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LocalRunner() {
    }

    public static void main(String[] args) throws Exception {
        Flags flags;
        try {
            flags = Flags.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("tollgate local: " + e.getMessage());
            System.err.println(Flags.USAGE);
            System.exit(2);
            return;
        }
        if (flags.help) {
            System.out.println(Flags.USAGE);
            return;
        }
        Path root = Path.of(System.getProperty("tollgate.repo.root", ".")).toAbsolutePath().normalize();
        Path stateFile = root.resolve(".tollgate/local.json");
        Optional<JsonNode> previous = flags.dataDir == null ? Optional.empty() : readState(stateFile);

        Map<String, String> configured = new HashMap<>(passThroughEnvironment());
        if (flags.kmsEndpoint != null) {
            configured.put("AWS_ENDPOINT_URL_KMS", flags.kmsEndpoint);
        }
        previous.map(p -> p.path("admin_token").asText(null)).ifPresent(t -> configured.put("TOLLGATE_ADMIN_TOKEN", t));
        MockUpstreams mocks = flags.mockUpstreams
                ? MockUpstreams.start(ProviderCatalog.load(Config.of(Map.of()))) : null;
        Map<String, String> explicitUpstreams = new java.util.TreeMap<>();
        if (mocks != null) {
            mocks.environment().keySet().stream().filter(configured::containsKey)
                    .forEach(name -> explicitUpstreams.put(name, configured.get(name)));
        }
        Map<String, String> env = mocks == null ? configured : mocks.environmentUnder(configured);

        PrintStream out = System.out;
        out.println("Starting Tollgate locally (DynamoDB Local in-process" + (flags.dataDir == null ? ", in memory" : ", data in " + flags.dataDir) + ") ...");
        long started = System.nanoTime();
        LocalTollgate tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(root)
                .withPort(flags.port).withDataDir(flags.dataDir).withEnvironment(env).withHostedMcpServers(true)
                .withRequestLog(flags.quiet ? null : out::println));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping Tollgate ...");
            tollgate.close();
            if (mocks != null) {
                mocks.close();
            }
            stopped.countDown();
        }, "tollgate-shutdown"));

        LocalTollgate.Demo demo = reuseDemo(tollgate, previous).orElseGet(tollgate::seedDemo);
        Map<String, Integer> mockPlatformKeys = mocks == null ? Map.of()
                : mocks.registerPlatformKeys(tollgate.baseUrl(), tollgate.adminToken());

        String base = tollgate.baseUrl().toString().replaceAll("/$", "");
        out.printf("%nTollgate is running (%d ms): functions %s%n%n", (System.nanoTime() - started) / 1_000_000,
                String.join(", ", tollgate.mountedFunctions()));
        out.println("  Base URL     " + base);
        tollgate.consoleUrl().ifPresent(console -> out.println("  Console      " + console
                + "  (sign in with the demo API key)"));
        out.println("  Demo account " + demo.accountId() + " (plan pro, 100 credits)");
        out.println("  Demo API key " + demo.apiKey());
        out.println("  Admin token  " + tollgate.adminToken());
        out.println("  Key vault    " + ("aws".equals(tollgate.config().get("TOLLGATE_KMS_MODE", "local"))
                ? "KMS " + tollgate.config().get("TOLLGATE_KMS_KEY_ID", "?") + " at "
                        + tollgate.config().get("AWS_ENDPOINT_URL_KMS").or(() -> tollgate.config().get("AWS_ENDPOINT_URL")).orElse("AWS")
                : "local keyring (" + (tollgate.config().get("TOLLGATE_MASTER_KEY").isPresent()
                        ? "TOLLGATE_MASTER_KEY" : ".tollgate/master.key") + ")"));
        out.println("  Platform keys " + (tollgate.services().keyVault().platformProviders().isEmpty() ? "none"
                : String.join(", ", tollgate.services().keyVault().platformProviders())));
        out.println("  MCP servers  " + federatedServers(tollgate));
        out.println("  Saved to     " + root.relativize(stateFile));
        out.printf("%nTry it:%n  curl -s -H \"Authorization: Bearer $(jq -r .api_key .tollgate/local.json)\" %s/api/v1/key%n", base);
        out.println("  ./tollgate admin accounts get " + demo.accountId());
        if (mocks != null) {
            printMocks(out, mocks, mockPlatformKeys, explicitUpstreams);
        }
        // Last, once everything above is in place: scripts start on this file, so it must never describe a
        // half-ready server (with --mock-upstreams, one whose fake platform keys are not registered yet).
        writeState(stateFile, tollgate, demo);
        out.println("\nPress Ctrl-C to stop.\n");
        stopped.await();
    }

    private static void printMocks(PrintStream out, MockUpstreams mocks, Map<String, Integer> registered,
                                   Map<String, String> explicitUpstreams) {
        out.println();
        out.println("  Mock upstreams " + mocks.baseUri() + " (every provider; a key containing 'invalid' gets a 401)");
        explicitUpstreams.forEach((name, url) -> out.println("  Not mocked     " + name + "=" + url));
        long ok = registered.values().stream().filter(s -> s >= 200 && s < 300).count();
        if (ok == registered.size()) {
            out.println("  Platform keys  fake keys registered for " + String.join(", ", registered.keySet()));
        } else {
            out.println("  Platform keys  NOT registered (PUT /admin/v1/platform-keys/{provider} answered "
                    + registered.values().stream().distinct().toList() + "); credits mode needs the vault's admin route");
        }
        out.println("  Mock Ollama    " + mocks.ollamaUrl() + " (register it as your ollama key)");
        out.println("  Demo BYOK key  openai " + MockUpstreams.FAKE_KEYS.get("openai"));
    }

    /**
     * The federated MCP servers and where each is reached; their tool lists are fetched now, in the background, so
     * the first listing finds them ready.
     */
    private static String federatedServers(LocalTollgate tollgate) {
        tollgate.services().toolDirectory().refreshFederated();
        return tollgate.services().catalog().providers().stream().filter(Provider::isFederated)
                .map(p -> p.id() + " " + p.baseUrl().orElse("(off: set " + Provider.baseUrlVariable(p.id()) + ")"))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** With a persistent data dir, keep the demo account and key of the previous run if they still work. */
    private static Optional<LocalTollgate.Demo> reuseDemo(LocalTollgate tollgate, Optional<JsonNode> previous) {
        return previous.flatMap(p -> {
            String accountId = p.path("account_id").asText("");
            String apiKey = p.path("api_key").asText("");
            boolean keyWorks = ApiKeyTokens.isWellFormed(apiKey) && tollgate.services().apiKeyStore()
                    .findByHash(ApiKeyTokens.hash(apiKey)).filter(k -> !k.revoked() && k.accountId().equals(accountId))
                    .isPresent();
            return keyWorks ? Optional.of(new LocalTollgate.Demo(accountId, apiKey)) : Optional.empty();
        });
    }

    private static Map<String, String> passThroughEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("TOLLGATE_") || name.startsWith("AWS_ENDPOINT_URL_KMS") || name.equals("AWS_ENDPOINT_URL")
                    || name.equals("AWS_ACCESS_KEY_ID") || name.equals("AWS_SECRET_ACCESS_KEY") || name.equals("AWS_REGION")) {
                env.put(name, value);
            }
        });
        return env;
    }

    private static Optional<JsonNode> readState(Path file) {
        try {
            return Files.exists(file) ? Optional.of(JSON.readTree(file.toFile())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void writeState(Path file, LocalTollgate tollgate, LocalTollgate.Demo demo) throws IOException {
        Files.createDirectories(file.getParent());
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("base_url", tollgate.baseUrl().toString().replaceAll("/$", ""));
        state.put("api_key", demo.apiKey());
        state.put("admin_token", tollgate.adminToken());
        state.put("account_id", demo.accountId());
        Path tmp = file.resolveSibling("local.json.tmp");
        Files.writeString(tmp, JSON.writeValueAsString(state));
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the file stays with default permissions.
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static final class Flags {
        static final String USAGE = """
                usage: ./tollgate local [--port N] [--data-dir DIR] [--kms-endpoint URL] [--mock-upstreams] [--quiet]
                  --port N        HTTP port (default 8787; 0 picks a free one)
                  --data-dir DIR  keep DynamoDB data in DIR across restarts (default: in memory)
                  --kms-endpoint URL  use the KMS API at URL (moto_server, LocalStack) instead of the local
                                  keyring; a key is created there unless TOLLGATE_KMS_KEY_ID is set
                  --mock-upstreams  built-in fake providers (offline demo): every provider without an explicit
                                  TOLLGATE_UPSTREAM_<ID>_URL points at them, and fake platform keys are
                                  registered for every credits provider
                  --quiet         do not log one line per request
                environment: TOLLGATE_UPSTREAM_<ID>_URL, TOLLGATE_PLATFORM_KEY_<ID>, TOLLGATE_MASTER_KEY,
                             AWS_ENDPOINT_URL (use moto/LocalStack KMS instead of the local keyring)""";

        int port = 8787;
        Path dataDir;
        String kmsEndpoint;
        boolean quiet;
        boolean mockUpstreams;
        boolean help;

        static Flags parse(String[] args) {
            Flags flags = new Flags();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> flags.port = parsePort(value(args, ++i, "--port"));
                    case "--data-dir" -> flags.dataDir = Path.of(value(args, ++i, "--data-dir")).toAbsolutePath();
                    case "--kms-endpoint" -> flags.kmsEndpoint = value(args, ++i, "--kms-endpoint");
                    case "--quiet" -> flags.quiet = true;
                    case "--mock-upstreams" -> flags.mockUpstreams = true;
                    case "-h", "--help" -> flags.help = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return flags;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        private static int parsePort(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--port must be a number between 0 and 65535");
            }
        }
    }
}
