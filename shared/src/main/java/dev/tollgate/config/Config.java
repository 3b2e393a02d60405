package dev.tollgate.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration as a flat map of the environment variables that template.yaml sets. Deployed functions read
 * {@link System#getenv()}; the local runner and tests pass their own map, because a JVM cannot change its
 * environment and they run several handlers in one process.
 */
public final class Config {
    private final Map<String, String> values;

    private Config(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Config fromEnvironment() {
        return new Config(System.getenv());
    }

    public static Config of(Map<String, String> values) {
        return new Config(values);
    }

    public Optional<String> get(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String get(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> new IllegalStateException("missing configuration " + name));
    }

    public int getInt(String name, int fallback) {
        return get(name).map(Integer::parseInt).orElse(fallback);
    }

    public long getLong(String name, long fallback) {
        return get(name).map(Long::parseLong).orElse(fallback);
    }

    public boolean getBoolean(String name, boolean fallback) {
        return get(name).map(Boolean::parseBoolean).orElse(fallback);
    }

    /** A copy with some values replaced; used by tests to vary one setting. */
    public Config with(String name, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(name, value);
        return new Config(copy);
    }

    public Map<String, String> asMap() {
        return values;
    }
}
