package dev.tollgate.log;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Lambda invocation as the logs see it: {@link #begin} binds its {@link Log.Correlation} ids (every line written
 * on this thread carries them) and a fresh {@link RequestMetrics}; {@link #end} writes the invocation's summary line,
 * which is also its CloudWatch EMF metrics document, and unbinds both. Begun once per invocation in the shared
 * request path ({@code http.Router}) and by the scheduled sweeper.
 *
 * <p>The summary line is written at any log level: it carries the metrics, and it is the only line a healthy
 * request writes.
 */
public final class Invocation {
    /** The CloudWatch namespace of every Tollgate metric ({@code TOLLGATE_METRICS_NAMESPACE}, default Tollgate). */
    static final String NAMESPACE = namespace(System.getenv("TOLLGATE_METRICS_NAMESPACE"));
    /** The first invocation of this JVM (or of a SnapStart restore: the snapshot is taken before any) is cold. */
    private static final AtomicBoolean COLD = new AtomicBoolean(true);

    private final Log log;
    private final RequestMetrics metrics;

    private Invocation(Log log, RequestMetrics metrics) {
        this.log = log;
        this.metrics = metrics;
    }

    /**
     * Starts an invocation of {@code function} (Lambda's function name; null when unknown) on this thread; lines it
     * writes through {@link #end} are attributed to {@code log}.
     */
    public static Invocation begin(Log log, String function, Log.Correlation ids) {
        Log.bind(ids);
        String name = function != null ? function : System.getenv("AWS_LAMBDA_FUNCTION_NAME");
        RequestMetrics metrics = new RequestMetrics(name, COLD.getAndSet(false));
        RequestMetrics.bind(metrics);
        return new Invocation(log, metrics);
    }

    /** Writes the summary line ({@code message} and {@code keyValues} beside the metrics) and unbinds. */
    public void end(String message, Object... keyValues) {
        try {
            Log.println(document(log, metrics, NAMESPACE, Instant.now(), message, keyValues));
        } finally {
            RequestMetrics.unbind();
            Log.unbind();
        }
    }

    /**
     * SnapStart priming: renders a throwaway summary document, so a restored container's first request finds the
     * metrics path loaded. Writes nothing, binds nothing, and leaves the cold-start flag to the first invocation.
     */
    public static void prime() {
        RequestMetrics metrics = new RequestMetrics("priming", false);
        metrics.awsCall("DynamoDb", 0);
        metrics.call("priming", "none", "ok", 0, 0);
        metrics.count("Priming", 1);
        document(Log.named("priming"), metrics, NAMESPACE, Instant.now(), "priming", "status", 0);
    }

    /** The summary line: a log line (header, redacted fields) that is also a valid EMF document. */
    static String document(Log log, RequestMetrics metrics, String namespace, Instant at, String message,
                           Object... keyValues) {
        StringWriter buffer = new StringWriter(768);
        try (JsonGenerator g = Log.JSON.createGenerator(buffer)) {
            g.writeStartObject();
            log.writeHeader(g, Log.Level.INFO, message);
            Log.writeFields(g, keyValues);
            metrics.writeEmf(g, namespace, at.toEpochMilli());
            g.writeEndObject();
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return buffer.toString();
    }

    private static String namespace(String configured) {
        return configured == null || configured.isBlank() ? "Tollgate" : configured.trim();
    }
}
