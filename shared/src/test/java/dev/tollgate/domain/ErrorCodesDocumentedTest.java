package dev.tollgate.domain;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Error codes are public API: each one must be documented with its status in docs/ERRORS.md. */
class ErrorCodesDocumentedTest {

    @Test
    void everyErrorCodeIsDocumentedWithItsStatus() throws Exception {
        Path root = Path.of(System.getProperty("tollgate.repo.root", "..")).toAbsolutePath();
        String doc = Files.readString(root.resolve("docs/ERRORS.md"));
        for (ErrorCode code : ErrorCode.values()) {
            assertTrue(doc.contains("| " + code.status() + " | `" + code.code() + "` |"),
                    "docs/ERRORS.md lacks a row for " + code.status() + " " + code.code());
        }
    }
}
