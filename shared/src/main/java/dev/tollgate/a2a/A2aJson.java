package dev.tollgate.a2a;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializerBase;
import io.a2a.spec.JSONRPCError;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * (De)serialisation of A2A messages through the SDK's spec types. Their properties are named by their getters
 * (camelCase, as the protocol spells them), so this mapper has no naming strategy, unlike Tollgate's own; like it,
 * it reads decimals exactly and writes them plainly, and it writes {@code TaskStatus.timestamp}, the only date of
 * the spec types, as ISO 8601 ({@code 2026-04-16T12:00:00Z}) with a serializer of its own rather than Jackson's
 * JavaTimeModule, which A2aFunction's jar has no room for.
 */
final class A2aJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("a2a-timestamps")
                    .addSerializer(OffsetDateTime.class, new ToStringSerializerBase(OffsetDateTime.class) {
                        @Override
                        public String valueToString(Object value) {
                            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format((OffsetDateTime) value);
                        }
                    })
                    .addDeserializer(OffsetDateTime.class, new FromStringDeserializer<>(OffsetDateTime.class) {
                        @Override
                        protected OffsetDateTime _deserialize(String value, DeserializationContext context) {
                            return OffsetDateTime.parse(value);
                        }
                    }))
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private A2aJson() {
    }

    static ObjectNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** A JSON object's members as the {@code Map} a {@code DataPart} holds, without converting the values. */
    static Map<String, Object> members(ObjectNode object) {
        Map<String, Object> members = new LinkedHashMap<>();
        object.properties().forEach(e -> members.put(e.getKey(), e.getValue()));
        return members;
    }

    static ObjectNode success(JsonNode id, Object result) {
        ObjectNode response = MAPPER.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        response.set("result", result instanceof JsonNode node ? node : tree(result));
        return response;
    }

    /** A JSON-RPC error response; {@code "id": null} when the request's id could not be read, as JSON-RPC requires. */
    static ObjectNode error(JsonNode id, JSONRPCError error) {
        ObjectNode response = MAPPER.createObjectNode();
        response.put("jsonrpc", "2.0");
        if (id == null) {
            response.putNull("id");
        } else {
            response.set("id", id);
        }
        response.set("error", tree(error));
        return response;
    }
}
