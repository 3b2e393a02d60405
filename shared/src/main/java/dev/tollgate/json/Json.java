package dev.tollgate.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The one ObjectMapper: snake_case names, plain decimals, big numbers exact, no nulls dropped silently, and the
 * parse-time limits of {@link JsonLimits}.
 */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonLimits.factory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a caller's document with every limit of {@link JsonLimits}.
     *
     * @throws JsonLimits.Violation    JSON that breaks a limit (number out of range, too deep, ...)
     * @throws JsonProcessingException anything else that is not JSON
     */
    public static JsonNode read(String json) throws JsonProcessingException {
        return JsonLimits.readTree(MAPPER, json);
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
