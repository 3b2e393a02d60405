package dev.tollgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Points sqlite4java (DynamoDB Local's storage engine) at its native library.
 *
 * <p>sqlite4java reads the system property {@value #PROPERTY} once, when it first loads. In order:
 * <ol>
 *   <li>the property, if it is already set and that directory holds the library (failsafe sets it
 *       to {@code target/native-libs}, filled by the root pom's {@code dynamodb-local-natives} profile);</li>
 *   <li>{@code target/native-libs} under the working directory, then under the repository root;</li>
 *   <li>the library in the local Maven repository ({@code maven.repo.local}, else
 *       {@code ~/.m2/repository}) under {@code com/almworks/sqlite4java/}.</li>
 * </ol>
 * The first directory that holds it becomes the property's value.
 */
final class Sqlite4JavaNatives {
    static final String PROPERTY = "sqlite4java.library.path";

    private Sqlite4JavaNatives() {
    }

    /** Sets {@value #PROPERTY} to a directory holding the native library for this platform, or fails saying why. */
    static synchronized Path ensureLibraryPath() {
        Platform platform = Platform.current();
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        }
        candidates.add(Path.of("target", "native-libs"));
        RepoRoot.tryFind().ifPresent(root -> candidates.add(root.resolve("target").resolve("native-libs")));
        for (Path dir : candidates) {
            if (platform.findIn(dir).isPresent()) {
                return use(dir);
            }
        }
        Path artifactDir = mavenRepository().resolve("com/almworks/sqlite4java").resolve(platform.artifactId);
        Optional<Path> fromMaven = platform.findIn(artifactDir, 2);
        if (fromMaven.isPresent()) {
            return use(fromMaven.get().getParent());
        }
        candidates.add(artifactDir);
        throw new IllegalStateException("sqlite4java native library " + platform.artifactId + "-*." + platform.extension
                + " not found; looked in " + candidates + ". Run `mvn -B -pl testkit -am verify` once (it downloads"
                + " the library) or set -D" + PROPERTY + "=<dir>.");
    }

    private static Path use(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        System.setProperty(PROPERTY, absolute.toString());
        return absolute;
    }

    private static Path mavenRepository() {
        String configured = System.getProperty("maven.repo.local");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The sqlite4java artifact that carries this OS and CPU's library (these are the names sqlite4java itself loads). */
    private record Platform(String artifactId, String extension) {
        static Platform current() {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
            if (os.contains("linux")) {
                if (x64) {
                    return new Platform("libsqlite4java-linux-amd64", "so");
                }
                if (arch.matches("i[3-6]86|x86")) {
                    return new Platform("libsqlite4java-linux-i386", "so");
                }
            } else if (os.contains("mac")) {
                return new Platform("libsqlite4java-osx", "dylib");
            } else if (os.contains("windows")) {
                return new Platform(x64 ? "sqlite4java-win32-x64" : "sqlite4java-win32-x86", "dll");
            }
            throw new IllegalStateException("sqlite4java (DynamoDB Local's storage engine) has no native library for "
                    + os + "/" + arch);
        }

        Optional<Path> findIn(Path dir) {
            return findIn(dir, 1);
        }

        /** The newest-named matching library at most {@code depth} levels below {@code dir}. */
        Optional<Path> findIn(Path dir, int depth) {
            if (!Files.isDirectory(dir)) {
                return Optional.empty();
            }
            try (Stream<Path> files = Files.find(dir, depth, (path, attrs) -> attrs.isRegularFile() && matches(path))) {
                return files.max(Comparator.comparing(Path::toString));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private boolean matches(Path file) {
            String name = file.getFileName().toString();
            return name.startsWith(artifactId) && name.endsWith("." + extension);
        }
    }
}
