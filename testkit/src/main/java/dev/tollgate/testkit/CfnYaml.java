package dev.tollgate.testkit;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CloudFormation YAML into a Jackson tree, turning short-form intrinsics into their long form.
 *
 * <p>Jackson YAML does not fail on unknown tags such as {@code !Ref}: it keeps the scalar (or
 * sequence) and silently drops the tag, so {@code !Ref Table} would read as the literal string
 * {@code "Table"}. The parser still reports the tag through {@link YAMLParser#getTypeId()}, so this
 * reader rebuilds the tree itself and wraps every tagged node the way CloudFormation defines the
 * short form: {@code !Ref X} becomes {@code {"Ref": "X"}}, {@code !Condition X} becomes
 * {@code {"Condition": "X"}}, and any other {@code !Name v} becomes {@code {"Fn::Name": v}}.
 */
final class CfnYaml {
    private static final YAMLFactory FACTORY = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CfnYaml() {
    }

    static JsonNode read(Reader reader) {
        try (YAMLParser parser = FACTORY.createParser(reader)) {
            JsonToken first = parser.nextToken();
            return first == null ? NODES.objectNode() : readValue(parser);
        } catch (IOException e) {
            throw new UncheckedIOException("invalid YAML: " + e.getMessage(), e);
        }
    }

    /** Reads the value at the parser's current token (already advanced onto it). */
    private static JsonNode readValue(YAMLParser parser) throws IOException {
        String tag = parser.getTypeId();
        JsonNode value = switch (parser.currentToken()) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> NODES.numberNode(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IOException("unexpected YAML token " + parser.currentToken()
                    + " at " + parser.currentLocation());
        };
        return isIntrinsicTag(tag) ? intrinsic(tag, value) : value;
    }

    private static ObjectNode readObject(YAMLParser parser) throws IOException {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            object.set(name, readValue(parser));
        }
        return object;
    }

    private static ArrayNode readArray(YAMLParser parser) throws IOException {
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            array.add(readValue(parser));
        }
        return array;
    }

    /** CloudFormation tags are bare words; YAML's own tags (e.g. {@code !!str}) arrive as URIs with a colon. */
    private static boolean isIntrinsicTag(String tag) {
        return tag != null && !tag.isEmpty() && tag.indexOf(':') < 0 && !tag.startsWith("!");
    }

    private static JsonNode intrinsic(String tag, JsonNode value) {
        String key = tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag;
        return NODES.objectNode().set(key, value);
    }

    /**
     * Flattens a value that may be an intrinsic into the plain string a local run can use:
     * {@code Ref X} gives {@code X} (the logical id), {@code Fn::GetAtt [X, Arn]} or {@code X.Arn}
     * gives {@code X.Arn}, {@code Fn::Sub} gives its template string unchanged, {@code Fn::Join} joins
     * its flattened parts, scalars give their text. Anything else gives its JSON text.
     */
    static String plainString(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "";
        }
        if (node.isValueNode()) {
            return node.asText();
        }
        if (node.isObject() && node.size() == 1) {
            String key = node.fieldNames().next();
            JsonNode arg = node.get(key);
            switch (key) {
                case "Ref":
                    return arg.asText();
                case "Fn::GetAtt":
                    return arg.isArray() ? join(".", arg) : arg.asText();
                case "Fn::Sub":
                    return arg.isArray() ? arg.path(0).asText() : arg.asText();
                case "Fn::Join":
                    if (arg.isArray() && arg.size() == 2 && arg.get(1).isArray()) {
                        return join(arg.get(0).asText(), arg.get(1));
                    }
                    break;
                default:
                    break;
            }
        }
        return node.toString();
    }

    private static String join(String delimiter, JsonNode parts) {
        List<String> strings = new ArrayList<>();
        parts.forEach(part -> strings.add(plainString(part)));
        return String.join(delimiter, strings);
    }
}
