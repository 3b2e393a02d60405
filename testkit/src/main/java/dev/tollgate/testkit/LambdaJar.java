package dev.tollgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A function's shaded Lambda jar ({@code target/*-lambda.jar}), alone on a class loader whose parent is the platform
 * loader: nothing of the test class path can hide a class the jar lacks. {@link #handler} builds the handler on the
 * jar's own {@code Services} from a configuration map; {@link #invoke} deserialises an event with the jar's Jackson,
 * calls {@code handleRequest} with a Lambda context, and returns the response as JSON; {@link #logLines} are the
 * lines the jar's logger wrote meanwhile. This is how the build proves that shade's {@code minimizeJar} kept
 * everything a function needs at run time, and that the jar is within {@link #MAX_BYTES}.
 */
public final class LambdaJar implements AutoCloseable {
    /** SPEC §11.4: every function jar at most 12 MB (decimal megabytes). */
    public static final long MAX_BYTES = 12_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final URLClassLoader loader;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private final Object mapper;

    private LambdaJar(Path path) {
        this.path = path;
        try {
            this.loader = new URLClassLoader(new URL[] {path.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> mapperType = load("com.fasterxml.jackson.databind.ObjectMapper");
            this.mapper = mapperType.getConstructor().newInstance();
            Class<?> feature = load("com.fasterxml.jackson.databind.DeserializationFeature");
            mapperType.getMethod("configure", feature, boolean.class)
                    .invoke(mapper, enumConstant(feature, "FAIL_ON_UNKNOWN_PROPERTIES"), false);
            load("dev.tollgate.log.Log").getMethod("setOutput", PrintStream.class)
                    .invoke(null, new PrintStream(logs, true, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the jar lacks what every function needs: " + e, e);
        }
    }

    /** The one {@code *-lambda.jar} in the module's {@code target/} (run after {@code package}: failsafe does). */
    public static LambdaJar ofThisModule() {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            List<Path> jars = files.filter(p -> p.getFileName().toString().endsWith("-lambda.jar")).toList();
            if (jars.size() != 1) {
                throw new IllegalStateException("expected one target/*-lambda.jar (run after `package`), found "
                        + jars);
            }
            return new LambdaJar(jars.get(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return path;
    }

    public long size() {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean contains(String resource) {
        return loader.findResource(resource) != null;
    }

    public Class<?> load(String className) throws ClassNotFoundException {
        return loader.loadClass(className);
    }

    /** A handler of the jar, built as {@code new Handler(Services.create(Config.of(configuration)))}. */
    public Object handler(String handlerClass, Map<String, String> configuration) {
        try {
            Class<?> config = load("dev.tollgate.config.Config");
            Object conf = config.getMethod("of", Map.class).invoke(null, configuration);
            Class<?> services = load("dev.tollgate.app.Services");
            Object wiring = services.getMethod("create", config).invoke(null, conf);
            return load(handlerClass).getConstructor(services).newInstance(wiring);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Calls {@code handleRequest} as the Lambda runtime does: the event JSON bound to the handler's input type, a
     * context with a fresh request id and {@code functionName}; returns the response serialised to JSON.
     */
    public JsonNode invoke(Object handler, String eventJson, String functionName) {
        try {
            Method handle = handleRequest(handler.getClass());
            Object event = mapper.getClass().getMethod("readValue", String.class, Class.class)
                    .invoke(mapper, eventJson, handle.getParameterTypes()[0]);
            Object response = handle.invoke(handler, event, LambdaContexts.create(loader, functionName));
            String json = (String) mapper.getClass().getMethod("writeValueAsString", Object.class)
                    .invoke(mapper, response);
            return JSON.readTree(json);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines the jar's logger wrote since the jar was opened, parsed. */
    public List<JsonNode> logLines() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : logs.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not a JSON log line: " + line, e);
                }
            }
        }
        return out;
    }

    private static Method handleRequest(Class<?> handlerType) {
        for (Method method : handlerType.getMethods()) {
            if (method.getName().equals("handleRequest") && method.getParameterCount() == 2 && !method.isBridge()) {
                return method;
            }
        }
        throw new IllegalArgumentException(handlerType + " has no handleRequest(event, context)");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String name) {
        return Enum.valueOf((Class) type, name);
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(cause);
    }

    @Override
    public void close() {
        try {
            loader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
