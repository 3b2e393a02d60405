package dev.tollgate.testkit;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * API Gateway HTTP API (payload v2) events from JSON files, for tests.
 *
 * <p>The files hold exactly what API Gateway sends (the same files drive {@code sam local invoke}).
 * Placeholders are replaced in the raw JSON before parsing: each key of the map is replaced
 * literally by its value, JSON-string-escaped, so write placeholders inside JSON strings, e.g.
 * {@code "authorization": "Bearer ${API_KEY}"} with {@code Map.of("${API_KEY}", key)}.
 *
 * <p>Field names: the event class's accessors ({@code getIsBase64Encoded}, {@code getRawPath},
 * {@code getRequestContext().getAuthorizer().getIam()}, …) map one-to-one to the JSON names
 * API Gateway uses ({@code isBase64Encoded}, {@code rawPath}, {@code requestContext.authorizer.iam});
 * fields the class lacks ({@code requestContext.authentication}, …) are ignored rather than fatal.
 *
 * <p>The {@code with…} helpers change the given event and return it, for chaining.
 */
public final class ApiEvents {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private ApiEvents() {
    }

    /** The event in {@code events/<relativePath>} at the repository root. */
    public static APIGatewayV2HTTPEvent fromRepo(String relativePath, Map<String, String> placeholders) {
        return load(RepoRoot.find().resolve("events").resolve(relativePath), placeholders);
    }

    public static APIGatewayV2HTTPEvent fromRepo(String relativePath) {
        return fromRepo(relativePath, Map.of());
    }

    public static APIGatewayV2HTTPEvent load(Path file, Map<String, String> placeholders) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), placeholders);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event " + file, e);
        }
    }

    public static APIGatewayV2HTTPEvent load(Path file) {
        return load(file, Map.of());
    }

    /** An event from the classpath, e.g. {@code "/events/get-key.json"} in a module's test resources. */
    public static APIGatewayV2HTTPEvent fromClasspath(String resource, Map<String, String> placeholders) {
        try (InputStream in = ApiEvents.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no classpath resource " + resource);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), placeholders);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event " + resource, e);
        }
    }

    /** Parses event JSON after replacing placeholders. */
    public static APIGatewayV2HTTPEvent parse(String json, Map<String, String> placeholders) {
        String replaced = replacePlaceholders(json, placeholders);
        try {
            return MAPPER.readValue(replaced, APIGatewayV2HTTPEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an API Gateway v2 event: " + e.getOriginalMessage(), e);
        }
    }

    /** Replaces each key literally by its JSON-string-escaped value. */
    public static String replacePlaceholders(String json, Map<String, String> placeholders) {
        String result = json;
        for (Map.Entry<String, String> placeholder : placeholders.entrySet()) {
            String escaped = new String(JsonStringEncoder.getInstance().quoteAsString(placeholder.getValue()));
            result = result.replace(placeholder.getKey(), escaped);
        }
        return result;
    }

    /** The event as API Gateway would send it (null fields left out). */
    public static String toJson(APIGatewayV2HTTPEvent event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise event", e);
        }
    }

    /** Sets a text body ({@code isBase64Encoded=false}); {@code null} removes the body. */
    public static APIGatewayV2HTTPEvent withBody(APIGatewayV2HTTPEvent event, String body) {
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return event;
    }

    /** Serialises {@code value} with Jackson as the body and sets {@code content-type: application/json}. */
    public static APIGatewayV2HTTPEvent withJsonBody(APIGatewayV2HTTPEvent event, Object value) {
        try {
            withBody(event, value instanceof String s ? s : MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise body", e);
        }
        return withHeader(event, "content-type", "application/json");
    }

    /** Sets a binary body, base64-encoded with {@code isBase64Encoded=true}, as API Gateway does for non-text types. */
    public static APIGatewayV2HTTPEvent withBinaryBody(APIGatewayV2HTTPEvent event, byte[] body) {
        event.setBody(Base64.getEncoder().encodeToString(body));
        event.setIsBase64Encoded(true);
        return event;
    }

    /** Sets a header; the name is lower-cased as API Gateway does. */
    public static APIGatewayV2HTTPEvent withHeader(APIGatewayV2HTTPEvent event, String name, String value) {
        Map<String, String> headers = event.getHeaders() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(event.getHeaders());
        headers.put(name.toLowerCase(Locale.ROOT), value);
        event.setHeaders(headers);
        return event;
    }

    /** Removes a header, whatever its case. */
    public static APIGatewayV2HTTPEvent withoutHeader(APIGatewayV2HTTPEvent event, String name) {
        if (event.getHeaders() != null) {
            Map<String, String> headers = new LinkedHashMap<>(event.getHeaders());
            headers.keySet().removeIf(key -> key.equalsIgnoreCase(name));
            event.setHeaders(headers);
        }
        return event;
    }
}
