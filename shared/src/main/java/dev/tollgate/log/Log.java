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
 * Structured JSON logging: one object per line on stdout (CloudWatch parses it), the request id on every line,
 * and every string value passed through {@link Redactor}. Deliberately tiny: a logging framework would add
 * cold-start time and jar size for nothing a Lambda needs.
 */
public final class Log {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ThreadLocal<String> REQUEST_ID = new ThreadLocal<>();
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

    private Log(String logger) {
        this.logger = logger;
    }

    public static Log get(Class<?> type) {
        return new Log(type.getSimpleName());
    }

    /** Binds a request id to this thread until {@link #clearRequestId()}. */
    public static void setRequestId(String requestId) {
        REQUEST_ID.set(requestId);
    }

    public static void clearRequestId() {
        REQUEST_ID.remove();
    }

    /** Redirects output; tests use it to capture every line and search it for secrets. */
    public static void setOutput(PrintStream stream) {
        out = stream;
    }

    public static void setLevel(Level level) {
        threshold = level;
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
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            fields.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        StringWriter buffer = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.now().toString());
            g.writeStringField("level", level.name());
            g.writeStringField("logger", logger);
            g.writeStringField("msg", Redactor.redact(message));
            String requestId = REQUEST_ID.get();
            if (requestId != null) {
                g.writeStringField("request_id", requestId);
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
}
