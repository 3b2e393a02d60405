package dev.tollgate.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured JSON logging: one object per line on stdout (CloudWatch parses it), the invocation's
 * {@link Correlation} ids on every line, and every string value passed through {@link Redactor}. Deliberately tiny:
 * a logging framework would add cold-start time and jar size for nothing a Lambda needs. Libraries that log through
 * SLF4J (the AWS SDK, HttpClient) reach the same lines through {@link Slf4jProvider}.
 */
public final class Log {
    static final JsonFactory JSON = new JsonFactory();
    private static final ThreadLocal<Correlation> CORRELATION = new ThreadLocal<>();
    private static volatile PrintStream out = System.out;
    private static volatile Level threshold = Level.parse(System.getenv("TOLLGATE_LOG_LEVEL"));

    private final String logger;

    public enum Level {
        DEBUG, INFO, WARN, ERROR;

        static Level parse(String value) {
            if (value == null) {
                return INFO;
            }
            try {
                return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return INFO;
            }
        }
    }

    /**
     * The ids that tie a line to one invocation: Tollgate's {@code req_…} id, Lambda's request id, and what triggered
     * the invocation (API Gateway's {@code requestContext.requestId}, or a scheduled event's id). Null ids are left
     * out of the line. The outside ids are written unredacted (a Lambda request id is a UUID, which the redactor
     * would mask), so they are accepted only in the shape AWS gives them.
     */
    public record Correlation(String requestId, String lambdaRequestId, String apiGatewayRequestId, String eventId) {
        public Correlation {
            lambdaRequestId = plainId(lambdaRequestId);
            apiGatewayRequestId = plainId(apiGatewayRequestId);
            eventId = plainId(eventId);
        }

        /** The id itself when it is 1 to 128 characters of letters, digits and {@code -_=+/.:}, otherwise null. */
        static String plainId(String id) {
            if (id == null || id.isEmpty() || id.length() > 128) {
                return null;
            }
            for (int i = 0; i < id.length(); i++) {
                char c = id.charAt(i);
                boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '_' || c == '=' || c == '+' || c == '/' || c == '.' || c == ':';
                if (!plain) {
                    return null;
                }
            }
            return id;
        }

        void writeTo(JsonGenerator g) throws IOException {
            writeIfPresent(g, "request_id", requestId);
            writeIfPresent(g, "lambda_request_id", lambdaRequestId);
            writeIfPresent(g, "apigw_request_id", apiGatewayRequestId);
            writeIfPresent(g, "event_id", eventId);
        }

        private static void writeIfPresent(JsonGenerator g, String field, String value) throws IOException {
            if (value != null) {
                g.writeStringField(field, value);
            }
        }
    }

    private Log(String logger) {
        this.logger = logger;
    }

    public static Log get(Class<?> type) {
        return new Log(type.getSimpleName());
    }

    /** A logger named by a string: the SLF4J bridge passes the library's logger name. */
    public static Log named(String name) {
        return new Log(name);
    }

    /** Binds the invocation's ids to this thread until {@link #unbind()}. */
    public static void bind(Correlation correlation) {
        CORRELATION.set(correlation);
    }

    public static void unbind() {
        CORRELATION.remove();
    }

    /** The ids bound to this thread, or null outside an invocation. */
    static Correlation correlation() {
        return CORRELATION.get();
    }

    /** Binds only Tollgate's request id (code that runs outside a Lambda invocation, tests). */
    public static void setRequestId(String requestId) {
        bind(new Correlation(requestId, null, null, null));
    }

    public static void clearRequestId() {
        unbind();
    }

    /** Redirects output; tests use it to capture every line and search it for secrets. */
    public static void setOutput(PrintStream stream) {
        out = stream;
    }

    public static void setLevel(Level level) {
        threshold = level;
    }

    /**
     * Whether a library's line of this level is written (the SLF4J bridge): never below WARN, because HttpClient's
     * debug output includes request headers (provider keys) and the SDK's is volume without value in production.
     */
    static boolean libraryEnabled(Level level) {
        return level.ordinal() >= Math.max(threshold.ordinal(), Level.WARN.ordinal());
    }

    public void debug(String message, Object... keyValues) {
        write(Level.DEBUG, message, null, keyValues);
    }

    public void info(String message, Object... keyValues) {
        write(Level.INFO, message, null, keyValues);
    }

    public void warn(String message, Object... keyValues) {
        write(Level.WARN, message, null, keyValues);
    }

    public void error(String message, Throwable error, Object... keyValues) {
        write(Level.ERROR, message, error, keyValues);
    }

    private void write(Level level, String message, Throwable error, Object... keyValues) {
        if (level.ordinal() < threshold.ordinal()) {
            return;
        }
        writeLine(level, message, error, keyValues);
    }

    /** Writes the line whatever the threshold: the caller decided (the SLF4J bridge). */
    void writeLine(Level level, String message, Throwable error, Object... keyValues) {
        StringWriter buffer = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(buffer)) {
            g.writeStartObject();
            writeHeader(g, level, message);
            writeFields(g, keyValues);
            if (error != null) {
                // Class and redacted message only: stack traces can carry request data.
                g.writeStringField("error", error.getClass().getName());
                g.writeStringField("error_message", Redactor.redact(String.valueOf(error.getMessage())));
                StackTraceElement[] trace = error.getStackTrace();
                if (trace.length > 0) {
                    g.writeStringField("error_at", trace[0].toString());
                }
            }
            g.writeEndObject();
        } catch (IOException impossible) {
            return;
        }
        out.println(buffer);
    }

    /** The fields every line starts with: time, level, logger, message and the invocation's ids. */
    void writeHeader(JsonGenerator g, Level level, String message) throws IOException {
        g.writeStringField("ts", Instant.now().toString());
        g.writeStringField("level", level.name());
        g.writeStringField("logger", logger);
        g.writeStringField("msg", Redactor.redact(message));
        Correlation correlation = CORRELATION.get();
        if (correlation != null) {
            correlation.writeTo(g);
        }
    }

    /** Key/value pairs as fields (a repeated key keeps its last value); strings redacted, numbers and booleans not. */
    static void writeFields(JsonGenerator g, Object... keyValues) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            fields.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            Object value = field.getValue();
            if (value instanceof Number number) {
                g.writeFieldName(field.getKey());
                g.writeNumber(number.toString());
            } else if (value instanceof Boolean bool) {
                g.writeBooleanField(field.getKey(), bool);
            } else {
                g.writeStringField(field.getKey(), Redactor.redact(String.valueOf(value)));
            }
        }
    }

    /** One finished line, as it is: for documents built with {@link #writeHeader} (the metrics document). */
    static void println(String line) {
        out.println(line);
    }
}
