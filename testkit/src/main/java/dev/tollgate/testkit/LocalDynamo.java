package dev.tollgate.testkit;

import com.amazonaws.services.dynamodbv2.local.main.CommandLineInput;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.AbstractLocalDynamoDBServerHandler;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.shared.access.LocalDBClient;
import com.amazonaws.services.dynamodbv2.local.shared.jobs.JobsRegister;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/**
 * DynamoDB Local running inside this JVM, on a loopback port.
 *
 * <p>Always started with {@code -sharedDb}: every client sees the same tables whatever region and
 * credentials it signs with, so the product's own clients (built from {@link #endpoint()}) and
 * {@link #client()} agree. In memory unless a data directory is given.
 *
 * <p>Natives: sqlite4java's library is located before the server starts, see {@link Sqlite4JavaNatives}
 * (system property {@code sqlite4java.library.path}, else {@code target/native-libs} in the working
 * directory or the repository root, else the library in {@code ~/.m2/repository/com/almworks/sqlite4java/}).
 */
public final class LocalDynamo implements AutoCloseable {
    /** Region and dummy credentials of {@link #client()}; any values work against a shared DB. */
    public static final Region REGION = Region.US_EAST_1;
    public static final String ACCESS_KEY = "local";
    public static final String SECRET_KEY = "local";

    private static final System.Logger LOG = System.getLogger(LocalDynamo.class.getName());
    private static final String LOOPBACK = "127.0.0.1";
    private static final int START_ATTEMPTS = 5;
    private static final Duration JOBS_STOP_BOUND = Duration.ofSeconds(10);

    private final DynamoDBProxyServer server;
    private final int port;
    private final Path dataDir;
    private DynamoDbClient client;
    private boolean closed;

    private LocalDynamo(DynamoDBProxyServer server, int port, Path dataDir) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
    }

    /**
     * A DynamoDB Local that already runs in another process on this machine (one a benchmark started in its own JVM,
     * as a user runs it): {@link #client()} and {@link #createTables} work as usual, {@link #close()} closes only the
     * client and leaves the server to whoever started it.
     */
    public static LocalDynamo connect(URI loopbackEndpoint) {
        if (!LOOPBACK.equals(loopbackEndpoint.getHost()) || loopbackEndpoint.getPort() <= 0) {
            throw new IllegalArgumentException("DynamoDB Local must be at http://" + LOOPBACK + ":PORT, not "
                    + loopbackEndpoint);
        }
        return new LocalDynamo(null, loopbackEndpoint.getPort(), null);
    }

    /** In memory, on a free loopback port. */
    public static LocalDynamo start() {
        return start(0, null);
    }

    /**
     * @param port          the port, or 0 for a free one
     * @param dataDirOrNull a directory to persist tables in (created if missing), or {@code null} for in memory
     */
    public static LocalDynamo start(int port, Path dataDirOrNull) {
        Sqlite4JavaNatives.ensureLibraryPath();
        Path dataDir = null;
        if (dataDirOrNull != null) {
            try {
                dataDir = Files.createDirectories(dataDirOrNull.toAbsolutePath().normalize());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create DynamoDB Local data directory " + dataDirOrNull, e);
            }
        }
        // A free port is found by binding and releasing it; another process can take it in between,
        // so a failed bind on a port we picked ourselves is retried on a fresh one.
        Exception last = null;
        for (int attempt = 0; attempt < (port == 0 ? START_ATTEMPTS : 1); attempt++) {
            int chosen = port == 0 ? freeLoopbackPort() : port;
            DynamoDBProxyServer server = createServer(chosen, dataDir);
            try {
                server.safeStart();
                return new LocalDynamo(server, chosen, dataDir);
            } catch (Exception e) {
                last = e;
                stopQuietly(server);
            }
        }
        throw new IllegalStateException("DynamoDB Local did not start on port " + (port == 0 ? "(free)" : port)
                + ": " + last, last);
    }

    /**
     * Builds the server the way {@link ServerRunner#createServerFromCommandLineArgs} does, minus its
     * configuration banner on stdout (and minus {@code -optimizeDbBeforeStartup}, which is not used).
     * {@code safeStart()} is used instead of {@code start()} because the latter only prints a failed
     * bind to stderr and returns as if it had worked.
     */
    private static DynamoDBProxyServer createServer(int port, Path dataDir) {
        List<String> args = new ArrayList<>(List.of("-port", Integer.toString(port), "-sharedDb", "-disableTelemetry"));
        if (dataDir == null) {
            args.add("-inMemory");
        } else {
            args.addAll(List.of("-dbPath", dataDir.toString()));
        }
        DynamoDBProxyServer server;
        try {
            CommandLineInput input = new CommandLineInput(args.toArray(String[]::new));
            if (!input.init()) {
                throw new IllegalStateException("DynamoDB Local rejected its arguments " + args);
            }
            server = ServerRunner.createServer(input);
        } catch (org.apache.commons.cli.ParseException e) {
            throw new IllegalStateException("DynamoDB Local rejected its arguments " + args, e);
        }
        bindToLoopback(server);
        return server;
    }

    /**
     * DynamoDB Local has no option for the listen address and binds every interface; the local runner
     * must not expose its tables to the network, so the Jetty connector is narrowed to loopback
     * before start. If the library's internals change this degrades to its default with a warning.
     */
    private static void bindToLoopback(DynamoDBProxyServer proxy) {
        try {
            Object jetty = readField(DynamoDBProxyServer.class, "server", proxy);
            Object[] connectors = (Object[]) jetty.getClass().getMethod("getConnectors").invoke(jetty);
            for (Object connector : connectors) {
                connector.getClass().getMethod("setHost", String.class).invoke(connector, LOOPBACK);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "DynamoDB Local will listen on all interfaces: " + e);
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://" + LOOPBACK + ":" + port);
    }

    /** The data directory, or {@code null} when in memory. */
    public Path dataDir() {
        return dataDir;
    }

    /** A client for this server (URL-connection HTTP client, {@link #REGION}, static dummy credentials), closed by {@link #close()}. */
    public synchronized DynamoDbClient client() {
        if (closed) {
            throw new IllegalStateException("LocalDynamo is closed");
        }
        if (client == null) {
            client = DynamoDbClient.builder()
                    .endpointOverride(endpoint())
                    .region(REGION)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build();
        }
        return client;
    }

    /**
     * Creates every table of {@code template} that does not exist yet, named by {@code tableName}
     * (logical id to table name), and enables TTL on new tables whose template declares it.
     */
    public void createTables(SamTemplate template, Function<String, String> tableName) {
        DynamoDbClient dynamo = client();
        Set<String> existing = new HashSet<>();
        dynamo.listTablesPaginator().tableNames().forEach(existing::add);
        for (TableSpec table : template.tables()) {
            String name = tableName.apply(table.logicalId());
            if (existing.contains(name)) {
                continue;
            }
            try {
                dynamo.createTable(table.createTableRequest(name));
            } catch (ResourceInUseException raced) {
                continue;
            }
            table.ttlAttribute().ifPresent(attribute -> enableTtl(dynamo, name, attribute));
        }
    }

    /** DynamoDB Local accepts TTL settings (and expires items lazily); an older build that refuses them is not fatal. */
    private static void enableTtl(DynamoDbClient dynamo, String tableName, String attribute) {
        try {
            dynamo.updateTimeToLive(r -> r.tableName(tableName)
                    .timeToLiveSpecification(TimeToLiveSpecification.builder().attributeName(attribute).enabled(true).build()));
        } catch (DynamoDbException e) {
            LOG.log(System.Logger.Level.DEBUG, "TTL not enabled on " + tableName + ": " + e.getMessage());
        }
    }

    /**
     * Stops the server (unless {@linkplain #connect connected} to another process's) and closes {@link #client()}.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (client != null) {
            client.close();
        }
        if (server != null) {
            stopQuietly(server);
        }
    }

    private static void stopQuietly(DynamoDBProxyServer server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "DynamoDB Local did not stop cleanly: " + e);
        }
        interruptBackgroundJobs(server);
    }

    /**
     * {@code stop()} cancels DynamoDB Local's background jobs (stream shard roll-over, TTL deletion) but lets their
     * non-daemon threads finish the sleep they are in, which keeps the JVM alive for minutes after the last request
     * (a benchmark that has written its results, the local runner after Ctrl-C). The library's own
     * {@code JobsRegister.shutdownNow()} interrupts them; it is reached through private fields, so a change in the
     * library's internals degrades to a warning and the old behaviour.
     */
    private static void interruptBackgroundJobs(DynamoDBProxyServer proxy) {
        try {
            Object serverHandler = readField(DynamoDBProxyServer.class, "serverHandler", proxy);
            Object primary = readField(AbstractLocalDynamoDBServerHandler.class, "primaryHandler", serverHandler);
            Map<?, ?> databases = (Map<?, ?>) readField(LocalDynamoDBRequestHandler.class, "dbRequestHandlers", primary);
            for (Object database : databases.values()) {
                stopJobs((JobsRegister) readField(LocalDBClient.class, "jobs", database));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "DynamoDB Local's background threads may outlive close(): " + e);
        }
    }

    /**
     * A job busy in SQLite when the interrupt lands can lose the flag there and go back to a long sleep, so the pool
     * is interrupted again until it has ended (bounded: a library change must not hang a close).
     */
    private static void stopJobs(JobsRegister jobs) throws ReflectiveOperationException {
        ExecutorService pool = (ExecutorService) readField(JobsRegister.class, "threadPool", jobs);
        long deadline = System.nanoTime() + JOBS_STOP_BOUND.toNanos();
        jobs.shutdownNow();
        try {
            while (!pool.awaitTermination(50, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!pool.isTerminated()) {
            LOG.log(System.Logger.Level.WARNING, "DynamoDB Local's background jobs did not end within " + JOBS_STOP_BOUND);
        }
    }

    private static Object readField(Class<?> owner, String name, Object target) throws ReflectiveOperationException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }
}
