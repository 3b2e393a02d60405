package dev.tollgate.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the repository root: the directory that holds {@code template.yaml}.
 *
 * <p>Maven's surefire and failsafe pass it as the system property {@value #PROPERTY}; when that is
 * missing (an IDE run, the local runner) the search walks up from the working directory.
 */
public final class RepoRoot {
    /** System property set by the root pom for every test JVM. */
    public static final String PROPERTY = "tollgate.repo.root";
    /** The file that marks the root. */
    public static final String TEMPLATE = "template.yaml";

    private RepoRoot() {
    }

    /** The repository root, or an {@link IllegalStateException} saying how to point at it. */
    public static Path find() {
        return tryFind().orElseThrow(() -> new IllegalStateException(
                "cannot find the repository root: set -D" + PROPERTY + "=<dir> or run from inside the repository"
                        + " (looked for " + TEMPLATE + " upwards from " + cwd() + ")"));
    }

    /** The repository's {@code template.yaml}. */
    public static Path template() {
        return find().resolve(TEMPLATE);
    }

    /** The root from the system property if it names a directory, else the nearest ancestor of the cwd with a template. */
    public static Optional<Path> tryFind() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).toAbsolutePath().normalize();
            if (Files.isDirectory(dir)) {
                return Optional.of(dir);
            }
        }
        return searchUpwards(cwd());
    }

    /** The nearest directory at or above {@code start} that contains {@value #TEMPLATE}. */
    static Optional<Path> searchUpwards(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(TEMPLATE))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    private static Path cwd() {
        return Path.of("").toAbsolutePath();
    }
}
