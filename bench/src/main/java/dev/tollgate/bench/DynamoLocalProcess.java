package dev.tollgate.bench;

import dev.tollgate.testkit.LocalDynamo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * DynamoDB Local in a JVM of its own, as a user runs it beside the gateway (and as the Portkey peer runs in its own
 * Node process): its request threads, heap and garbage collector no longer share the gateway's JVM, so a collection
 * of its garbage does not pause a gateway request and its JIT does not compile in the gateway's process. Both
 * processes still share the machine's two cores. In memory, on a free loopback port, with the JVM's default flags.
 *
 * <p>The child is this class's {@link #main}: it starts {@link LocalDynamo}, prints its endpoint on the first line of
 * stdout, and stops when its stdin ends ({@link #close()}, or this JVM exiting).
 */
final class DynamoLocalProcess implements AutoCloseable {
    private final Process process;
    private final URI endpoint;

    private DynamoLocalProcess(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    static DynamoLocalProcess start() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String natives = System.getProperty("sqlite4java.library.path");
        if (natives != null) {
            command.add("-Dsqlite4java.library.path=" + natives);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DynamoLocalProcess.class.getName()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("http://")) {
            process.destroyForcibly();
            throw new IllegalStateException("DynamoDB Local's process did not start (first line: " + first + ")");
        }
        // Whatever DynamoDB Local writes later must not fill the pipe and block it.
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ended) {
                // The child has exited.
            }
        }, "dynamodb-local-stdout");
        drain.setDaemon(true);
        drain.start();
        return new DynamoLocalProcess(process, URI.create(first.trim()));
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException alreadyGone) {
            // The child has exited.
        }
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** The child: DynamoDB Local until stdin ends. */
    public static void main(String[] args) throws IOException {
        try (LocalDynamo dynamo = LocalDynamo.start()) {
            System.out.println(dynamo.endpoint());
            System.out.flush();
            System.in.transferTo(OutputStream.nullOutputStream());
        }
        System.exit(0);
    }
}
