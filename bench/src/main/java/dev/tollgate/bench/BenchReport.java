package dev.tollgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
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
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", name);
        report.put("at", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("java", System.getProperty("java.version"));
        report.put("rows", rows);
        Path dir = Path.of(System.getProperty("tollgate.repo.root", "."), "bench", "results");
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
        System.out.println("wrote " + file);
    }
}
