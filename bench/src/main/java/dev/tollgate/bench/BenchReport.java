package dev.tollgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes a benchmark's rows, with the machine it ran on, to bench/results/NAME.json. */
final class BenchReport {
    private BenchReport() {
    }

    static void write(String name, Object rows) throws IOException {
        write(name, Map.of(), rows);
    }

    /** With {@code summary}'s fields beside the rows (e.g. a reference measured in the same run). */
    static void write(String name, Map<String, Object> summary, Object rows) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", name);
        report.put("at", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("java", System.getProperty("java.version"));
        report.put("load_average", Math.round(loadAverage() * 100) / 100.0);
        report.putAll(summary);
        report.put("rows", rows);
        Path dir = Path.of(System.getProperty("tollgate.repo.root", "."), "bench", "results");
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
        System.out.println("wrote " + file);
    }

    /** The machine's one-minute load average (the build machine is shared: a figure means little without it). */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
