package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tollgate.catalog.Operation;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks an execute {@code input} against its operation's JSON Schema (draft 2020-12) before anything else happens,
 * so that no money moves and no provider is called for a request the provider would refuse anyway. Schemas are
 * compiled once per operation and shared. Errors name the field by JSON pointer from the request body's root
 * ({@code /input/messages/0/role}); up to ten problems are listed in {@code errors}.
 */
public final class InputValidator {
    private static final int MAX_LISTED = 10;
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER)
            .formatAssertionsEnabled(false)
            .build();

    /** A compiled schema and the operation it was compiled for. */
    private record Compiled(Operation operation, JsonSchema schema) {
    }

    /**
     * By tool name. A federated MCP server's tools are new {@link Operation} objects after each discovery (the schema
     * may have changed), so an entry only serves the very operation it was compiled for.
     */
    private final Map<String, Compiled> schemas = new ConcurrentHashMap<>();

    /** Compiles every operation's schema ahead of the first request (SnapStart priming). */
    public void compileAll(Iterable<Operation> operations) {
        for (Operation operation : operations) {
            schemaOf(operation);
        }
    }

    /** Whether {@code schema} compiles as an input schema (a federated server's tool that does not is left out). */
    public static boolean compiles(com.fasterxml.jackson.databind.node.ObjectNode schema) {
        try {
            FACTORY.getSchema(schema, CONFIG).initializeValidators();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private JsonSchema schemaOf(Operation operation) {
        Compiled compiled = schemas.get(operation.toolName());
        if (compiled == null || compiled.operation() != operation) {
            compiled = new Compiled(operation, FACTORY.getSchema(operation.inputSchema(), CONFIG));
            schemas.put(operation.toolName(), compiled);
        }
        return compiled.schema();
    }

    public void validate(Operation operation, JsonNode input) {
        if (input == null || !input.isObject()) {
            throw TollgateException.validation("/input", "'input' is required and must be a JSON object");
        }
        JsonSchema schema = schemaOf(operation);
        List<ValidationMessage> problems = new ArrayList<>(schema.validate(input));
        if (problems.isEmpty()) {
            return;
        }
        List<Map<String, String>> listed = new ArrayList<>();
        for (ValidationMessage m : problems.subList(0, Math.min(MAX_LISTED, problems.size()))) {
            Map<String, String> one = new LinkedHashMap<>();
            one.put("pointer", pointer(m));
            one.put("message", describe(m));
            listed.add(one);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pointer", listed.get(0).get("pointer"));
        details.put("errors", listed);
        throw new TollgateException(ErrorCode.VALIDATION_FAILED,
                "Invalid input for " + operation.toolName() + ": " + listed.get(0).get("message"), details);
    }

    /** The pointer of the offending value; for a missing required property, where that property should be. */
    static String pointer(ValidationMessage m) {
        String location = m.getInstanceLocation() == null ? "" : m.getInstanceLocation().toString();
        if (location.equals("/") || location.equals("$")) {
            location = "";
        }
        if ("required".equals(m.getType()) && m.getProperty() != null) {
            location = location + "/" + m.getProperty().replace("~", "~0").replace("/", "~1");
        }
        return "/input" + location;
    }

    /** The validator's message without its location prefix (the pointer says where). */
    static String describe(ValidationMessage m) {
        String message = m.getMessage();
        String location = m.getInstanceLocation() == null ? "" : m.getInstanceLocation().toString();
        if (!location.isEmpty() && message.startsWith(location + ": ")) {
            message = message.substring(location.length() + 2);
        } else if (message.startsWith(": ")) {
            message = message.substring(2);
        }
        String where = pointer(m);
        return where.equals("/input") ? message : "'" + where.substring("/input/".length()) + "' " + message;
    }
}
