package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.testkit.FunctionSpec;
import dev.tollgate.testkit.LambdaJar;
import dev.tollgate.testkit.RepoRoot;
import dev.tollgate.testkit.SamTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every function template.yaml deploys: its jar (CodeUri, built by the reactor before this module) is within the
 * 12 MB budget, and its module has a {@code *LambdaJarIT} that runs the minimized jar alone, so a new function
 * cannot ship a jar nobody ran.
 */
class FunctionJarSizesIT {
    private final SamTemplate template = SamTemplate.load(RepoRoot.template());

    @Test
    void everyFunctionJarIsWithinTheBudgetAndRunByItsOwnJarTest() throws IOException {
        Path root = RepoRoot.find();
        for (FunctionSpec function : template.functions()) {
            Path jar = root.resolve(function.codeUri());
            assertTrue(Files.isRegularFile(jar), function.logicalId() + ": no " + jar + " (mvn package builds it)");
            long size = Files.size(jar);
            System.out.printf("%-22s %,12d bytes%n", function.logicalId(), size);
            assertTrue(size <= LambdaJar.MAX_BYTES, function.logicalId() + " jar is " + size + " bytes, over "
                    + LambdaJar.MAX_BYTES + " (docs/PERFORMANCE.md, Jars)");
            Path module = jar.getParent().getParent();
            try (Stream<Path> tests = Files.walk(module.resolve("src/test/java"))) {
                assertTrue(tests.anyMatch(p -> p.getFileName().toString().endsWith("LambdaJarIT.java")),
                        function.logicalId() + ": " + root.relativize(module) + " needs a *LambdaJarIT (see "
                                + "functions/execute/.../ExecuteLambdaJarIT.java)");
            }
        }
    }
}
