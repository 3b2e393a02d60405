package dev.tollgate.log;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one invocation measured, written at its end as one CloudWatch embedded-metric-format (EMF) document by
 * {@link Invocation}: no API call, no per-metric line. Code anywhere on the request path adds to
 * {@link #current()}; outside an invocation (tests of a service, CLIs) that is a sink that keeps nothing.
 *
 * <p>Three metric directives, so that each metric carries only the dimensions it needs (every combination of
 * dimension values is a billed custom metric):
 * <ul>
 *   <li>by {@code FunctionName}: {@code ColdStart}, {@code HandlerTime}, {@code AwsCalls}, {@code AwsTime},
 *       {@code <Service>Calls} per AWS service, and counters such as the sweeper's {@code HoldsReleased};</li>
 *   <li>a tool call, by {@code FunctionName, Tool, Mode, Outcome}, by {@code FunctionName, Mode} and by
 *       {@code FunctionName, Outcome}: {@code Calls};</li>
 *   <li>a tool call, by {@code FunctionName, Tool, Mode} and by {@code FunctionName, Mode}: {@code ChargedMicroCredits}
 *       and, when the provider was called, {@code UpstreamLatency}.</li>
 * </ul>
 * Dimension values are catalog provider ids, billing modes and error codes, never caller input.
 */
public final class RequestMetrics {
    private static final ThreadLocal<RequestMetrics> CURRENT = new ThreadLocal<>();
    private static final RequestMetrics DISCARD = new RequestMetrics(null, false);

    private final String function;
    private final boolean coldStart;
    private final long startedNanos = System.nanoTime();
    private final Map<String, Long> awsCallsByService = new LinkedHashMap<>(4);
    private final Map<String, Long> counters = new LinkedHashMap<>(4);
    private long awsCalls;
    private long awsNanos;
    private Call call;

    /** The outcome of one tool call (REST execute, MCP tools/call): the last one reported wins. */
    record Call(String tool, String mode, String outcome, long chargedMicros, long upstreamMillis) {
    }

    RequestMetrics(String function, boolean coldStart) {
        this.function = function;
        this.coldStart = coldStart;
    }

    /** The metrics of the invocation running on this thread, or a sink that keeps nothing. */
    public static RequestMetrics current() {
        RequestMetrics metrics = CURRENT.get();
        return metrics != null ? metrics : DISCARD;
    }

    static void bind(RequestMetrics metrics) {
        CURRENT.set(metrics);
    }

    static void unbind() {
        CURRENT.remove();
    }

    private boolean discards() {
        return this == DISCARD;
    }

    /** One AWS SDK call (an API call, retries included) to {@code service} ({@code DynamoDb}, {@code Kms}). */
    public void awsCall(String service, long nanos) {
        if (discards()) {
            return;
        }
        awsCalls++;
        awsNanos += nanos;
        awsCallsByService.merge(service, 1L, Long::sum);
    }

    /**
     * A tool call's outcome: {@code tool} a catalog provider id (or {@code unknown}), {@code mode} {@code byok},
     * {@code credits}, {@code free} or {@code none} (ended before the mode was known: a replay, an early failure),
     * {@code outcome} {@code ok}, {@code replayed} or the error code. {@code upstreamMillis} is negative when the
     * provider was not called.
     */
    public void call(String tool, String mode, String outcome, long chargedMicros, long upstreamMillis) {
        if (!discards()) {
            call = new Call(tool, mode, outcome, chargedMicros, upstreamMillis);
        }
    }

    /** Adds to a counter published by {@code FunctionName} (e.g. {@code HoldsReleased}). */
    public void count(String name, long value) {
        if (!discards()) {
            counters.merge(name, value, Long::sum);
        }
    }

    long elapsedMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** The {@code _aws} metadata and the metric and dimension members, into an object {@code g} has open. */
    void writeEmf(JsonGenerator g, String namespace, long timestampMillis) throws IOException {
        List<String> base = new ArrayList<>(List.of("ColdStart", "HandlerTime", "AwsCalls", "AwsTime"));
        awsCallsByService.keySet().forEach(service -> base.add(service + "Calls"));
        base.addAll(counters.keySet());

        g.writeObjectFieldStart("_aws");
        g.writeNumberField("Timestamp", timestampMillis);
        g.writeArrayFieldStart("CloudWatchMetrics");
        directive(g, namespace, List.of(List.of("FunctionName")), base);
        if (call != null) {
            directive(g, namespace, List.of(List.of("FunctionName", "Tool", "Mode", "Outcome"),
                    List.of("FunctionName", "Mode"), List.of("FunctionName", "Outcome")), List.of("Calls"));
            directive(g, namespace, List.of(List.of("FunctionName", "Tool", "Mode"), List.of("FunctionName", "Mode")),
                    call.upstreamMillis() >= 0 ? List.of("ChargedMicroCredits", "UpstreamLatency")
                            : List.of("ChargedMicroCredits"));
        }
        g.writeEndArray();
        g.writeEndObject();

        g.writeStringField("FunctionName", function == null ? "unknown" : function);
        g.writeNumberField("ColdStart", coldStart ? 1 : 0);
        g.writeNumberField("HandlerTime", elapsedMillis());
        g.writeNumberField("AwsCalls", awsCalls);
        g.writeNumberField("AwsTime", Math.round(awsNanos / 10_000.0) / 100.0);
        for (Map.Entry<String, Long> service : awsCallsByService.entrySet()) {
            g.writeNumberField(service.getKey() + "Calls", service.getValue());
        }
        for (Map.Entry<String, Long> counter : counters.entrySet()) {
            g.writeNumberField(counter.getKey(), counter.getValue());
        }
        if (call != null) {
            g.writeStringField("Tool", call.tool());
            g.writeStringField("Mode", call.mode());
            g.writeStringField("Outcome", call.outcome());
            g.writeNumberField("Calls", 1);
            g.writeNumberField("ChargedMicroCredits", call.chargedMicros());
            if (call.upstreamMillis() >= 0) {
                g.writeNumberField("UpstreamLatency", call.upstreamMillis());
            }
        }
    }

    private static void directive(JsonGenerator g, String namespace, List<List<String>> dimensionSets,
                                  List<String> metrics) throws IOException {
        g.writeStartObject();
        g.writeStringField("Namespace", namespace);
        g.writeArrayFieldStart("Dimensions");
        for (List<String> set : dimensionSets) {
            g.writeStartArray();
            for (String dimension : set) {
                g.writeString(dimension);
            }
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("Metrics");
        for (String metric : metrics) {
            g.writeStartObject();
            g.writeStringField("Name", metric);
            g.writeStringField("Unit", unit(metric));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static String unit(String metric) {
        return switch (metric) {
            case "HandlerTime", "AwsTime", "UpstreamLatency" -> "Milliseconds";
            case "ChargedMicroCredits" -> "None";
            default -> "Count";
        };
    }
}
