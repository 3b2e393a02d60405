package dev.tollgate.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code moto_server} (a local AWS API emulator, used here for KMS) as a child process on a loopback port.
 *
 * <pre>{@code
 * assumeTrue(MotoServer.available(), MotoServer.UNAVAILABLE_MESSAGE);
 * try (MotoServer moto = MotoServer.start()) { KmsClient.builder().endpointOverride(moto.endpoint())... }
 * }</pre>
 *
 * <p>The process and its descendants are killed on {@link #close()} and, should the JVM exit
 * first, by a shutdown hook. Its output goes to a temporary log file, quoted if it fails to start.
 */
public final class MotoServer implements AutoCloseable {
    /** The executable looked up on {@code PATH}. */
    public static final String EXECUTABLE = "moto_server";
    /** A skip message for {@code Assumptions.assumeTrue(MotoServer.available(), ...)}. */
    public static final String UNAVAILABLE_MESSAGE = "moto_server is not on PATH: KMS integration tests skipped"
            + " (pip install 'moto[server]' to run them)";

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread shutdownHook;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.shutdownHook = new Thread(this::kill, "moto_server-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Whether {@value #EXECUTABLE} is on {@code PATH} and runs ({@code --help} exits 0). Running it
     * matters because a pyenv shim can exist for a Python version that lacks moto. Checked once per JVM.
     */
    public static boolean available() {
        return Availability.AVAILABLE;
    }

    private static final class Availability {
        static final boolean AVAILABLE = check();

        private static boolean check() {
            Optional<Path> executable = executable();
            if (executable.isEmpty()) {
                return false;
            }
            try {
                Process help = new ProcessBuilder(executable.get().toString(), "--help")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!help.waitFor(20, TimeUnit.SECONDS)) {
                    help.destroyForcibly();
                    return false;
                }
                return help.exitValue() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Starts it on a free loopback port and returns once it answers HTTP. */
    public static MotoServer start() {
        Path executable = executable().orElseThrow(() -> new IllegalStateException(UNAVAILABLE_MESSAGE));
        int port = freeLoopbackPort();
        Path log;
        Process process;
        try {
            log = Files.createTempFile("moto_server-", ".log");
            log.toFile().deleteOnExit();
            process = new ProcessBuilder(List.of(executable.toString(), "-H", LOOPBACK, "-p", Integer.toString(port)))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + executable, e);
        }
        MotoServer server = new MotoServer(process, port, log);
        try {
            server.awaitReady();
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint override for any SDK client. */
    public URI endpoint() {
        return URI.create("http://" + LOOPBACK + ":" + port);
    }

    public int port() {
        return port;
    }

    /** Kills the process tree and removes the shutdown hook. Idempotent. */
    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to; nothing left to do
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Polls until the server answers any HTTP status; readiness has no event to wait on. */
    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue() + ": " + logTail());
            }
            if (answersHttp()) {
                return;
            }
            try {
                Thread.sleep(POLL_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for moto_server", e);
            }
        }
        throw new IllegalStateException("moto_server did not answer on " + endpoint() + " within " + STARTUP_TIMEOUT
                + ": " + logTail());
    }

    private boolean answersHttp() {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().resolve("/moto-api/").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2000);
            try {
                return connection.getResponseCode() > 0;
            } finally {
                connection.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    private String logTail() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, EXECUTABLE);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
