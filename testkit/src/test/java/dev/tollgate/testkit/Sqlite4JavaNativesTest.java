package dev.tollgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Sqlite4JavaNativesTest {
    @Test
    void replacesAConfiguredDirectoryThatLacksTheLibrary(@TempDir Path empty) throws IOException {
        String before = System.getProperty(Sqlite4JavaNatives.PROPERTY);
        System.setProperty(Sqlite4JavaNatives.PROPERTY, empty.toString());
        try {
            Path found = Sqlite4JavaNatives.ensureLibraryPath();

            assertEquals(found.toString(), System.getProperty(Sqlite4JavaNatives.PROPERTY));
            try (Stream<Path> files = Files.list(found)) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().contains("sqlite4java")), found.toString());
            }
        } finally {
            if (before == null) {
                System.clearProperty(Sqlite4JavaNatives.PROPERTY);
            } else {
                System.setProperty(Sqlite4JavaNatives.PROPERTY, before);
            }
        }
    }
}
