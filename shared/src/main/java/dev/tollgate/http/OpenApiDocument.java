package dev.tollgate.http;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code GET /api/v1/openapi.json} (SPEC 14.1): docs/openapi.yaml, which the serving function bundles, as JSON. Read
 * and converted on the first request and kept for the container's life; public, no token.
 */
public final class OpenApiDocument {
    /** Where the build puts docs/openapi.yaml on the classpath. */
    public static final String RESOURCE = "/openapi.yaml";
    private static volatile String json;

    private OpenApiDocument() {
    }

    public static ApiResponse response() {
        return new ApiResponse(200, Map.of("Cache-Control", "public, max-age=300"), json());
    }

    static String json() {
        String current = json;
        if (current == null) {
            try (InputStream in = OpenApiDocument.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " is not on the classpath");
                }
                current = Json.write(new YAMLMapper().readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
            json = current;
        }
        return current;
    }
}
