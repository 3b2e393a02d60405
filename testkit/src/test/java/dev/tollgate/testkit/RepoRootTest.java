package dev.tollgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoRootTest {
    @Test
    void walksUpToTheDirectoryHoldingTheTemplate(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("template.yaml"), "Resources: {}\n");
        Path deep = Files.createDirectories(dir.resolve("functions/balance/src"));

        assertEquals(Optional.of(dir.toAbsolutePath().normalize()), RepoRoot.searchUpwards(deep));
    }

    @Test
    void findsNothingWithoutATemplate(@TempDir Path dir) throws IOException {
        Path deep = Files.createDirectories(dir.resolve("a/b"));
        Optional<Path> found = RepoRoot.searchUpwards(deep);
        assertTrue(found.isEmpty() || !found.get().startsWith(dir), "must not stop inside a tree without a template");
    }

    @Test
    void usesTheSystemPropertyMavenPasses() {
        // The root pom sets tollgate.repo.root for surefire and failsafe.
        String configured = System.getProperty(RepoRoot.PROPERTY);
        if (configured != null) {
            assertEquals(Path.of(configured).toAbsolutePath().normalize(), RepoRoot.tryFind().orElseThrow());
        }
    }
}
