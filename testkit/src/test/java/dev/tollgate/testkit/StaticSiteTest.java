package dev.tollgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticSiteTest {
    @TempDir
    Path dir;

    @Test
    void servesFilesBelowItsRootAndNothingElse() throws Exception {
        Path root = Files.createDirectories(dir.resolve("console"));
        Files.writeString(root.resolve("index.html"), "<!doctype html>");
        Files.writeString(root.resolve("app.js"), "");
        Files.writeString(root.resolve(".secret"), "");
        Files.writeString(dir.resolve("outside.txt"), "");
        StaticSite site = new StaticSite("/console/", root, Map.of());

        assertEquals(root.resolve("index.html"), site.resolve(""));
        assertEquals(root.resolve("app.js"), site.resolve("app.js"));
        assertNull(site.resolve("missing.js"));
        assertNull(site.resolve("../outside.txt"));
        assertNull(site.resolve("%2e%2e/outside.txt"));
        assertNull(site.resolve("..%2Foutside.txt"));
        assertNull(site.resolve(".secret"));
        assertNull(site.resolve("a//b"));
        assertTrue(site.owns("/console") && site.owns("/console/app.js") && !site.owns("/consoles"));
        assertFalse(site.owns("/console/../api/v1/key"), "a dot segment is no file of the site");
        assertFalse(site.owns("/console/%2E%2E/api/v1/key"));
        assertFalse(site.owns("/console/./app.js"));
    }
}
