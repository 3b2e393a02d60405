package dev.tollgate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CloudWatch embedded metric format (EMF) documents in captured log output, and the specification's structural
 * rules: {@code _aws.Timestamp} in epoch milliseconds, {@code _aws.CloudWatchMetrics} directives each with a
 * {@code Namespace}, {@code Dimensions} (sets of at most 30 names of string members) and {@code Metrics} (at most
 * 100, each naming a numeric member, with a CloudWatch unit).
 */
public final class EmfDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> UNITS = Set.of("Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes",
            "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent",
            "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
            "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second",
            "None");

    private EmfDocuments() {
    }

    /** Every line of {@code output}, parsed; fails on a line that is not a JSON object. */
    public static List<JsonNode> lines(String output) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                assertTrue(node.isObject(), line);
                out.add(node);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not a JSON log line: " + line, e);
            }
        }
        return out;
    }

    /** The lines of {@code output} that are EMF documents (they carry {@code _aws}). */
    public static List<JsonNode> in(String output) {
        return lines(output).stream().filter(line -> line.has("_aws")).toList();
    }

    public static void assertValid(JsonNode document) {
        JsonNode aws = document.path("_aws");
        assertTrue(aws.isObject(), "_aws object: " + document);
        assertTrue(aws.path("Timestamp").isIntegralNumber(), "_aws.Timestamp in epoch ms: " + document);
        assertTrue(aws.path("Timestamp").asLong() > 1_600_000_000_000L, "Timestamp is milliseconds: " + document);
        JsonNode directives = aws.path("CloudWatchMetrics");
        assertTrue(directives.isArray() && !directives.isEmpty(), "CloudWatchMetrics: " + document);
        for (JsonNode directive : directives) {
            String namespace = directive.path("Namespace").asText("");
            assertTrue(!namespace.isBlank() && namespace.length() <= 255, "Namespace: " + directive);
            assertTrue(directive.path("Dimensions").isArray(), "Dimensions: " + directive);
            for (JsonNode set : directive.path("Dimensions")) {
                assertTrue(set.isArray() && set.size() <= 30, "dimension set: " + set);
                for (JsonNode name : set) {
                    JsonNode value = document.path(name.asText());
                    assertTrue(value.isTextual() && !value.asText().isBlank() && value.asText().length() <= 1024,
                            "dimension " + name + " has a string value: " + document);
                }
            }
            JsonNode metrics = directive.path("Metrics");
            assertTrue(metrics.isArray() && !metrics.isEmpty() && metrics.size() <= 100, "Metrics: " + directive);
            for (JsonNode metric : metrics) {
                String name = metric.path("Name").asText("");
                assertTrue(!name.isBlank() && name.length() <= 255, "metric name: " + metric);
                assertTrue(document.path(name).isNumber(), "metric " + name + " has a number value: " + document);
                if (metric.has("Unit")) {
                    assertTrue(UNITS.contains(metric.path("Unit").asText()), "unit: " + metric);
                }
            }
        }
    }

    /** The directive of {@code document} whose metrics include {@code metric}. */
    public static JsonNode directiveOf(JsonNode document, String metric) {
        for (JsonNode directive : document.path("_aws").path("CloudWatchMetrics")) {
            for (JsonNode m : directive.path("Metrics")) {
                if (m.path("Name").asText().equals(metric)) {
                    return directive;
                }
            }
        }
        throw new AssertionError("no directive declares " + metric + ": " + document);
    }

    /** The dimension sets of the directive declaring {@code metric}, as "A,B" strings. */
    public static List<String> dimensionSetsOf(JsonNode document, String metric) {
        List<String> out = new ArrayList<>();
        directiveOf(document, metric).path("Dimensions").forEach(set -> {
            List<String> names = new ArrayList<>();
            set.forEach(n -> names.add(n.asText()));
            out.add(String.join(",", names));
        });
        return out;
    }

    public static void assertMetric(JsonNode document, String metric, long expected) {
        directiveOf(document, metric);
        assertEquals(expected, document.path(metric).asLong(), metric + " in " + document);
    }
}
