package dev.tollgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;

/**
 * The parts of a SAM {@code template.yaml} that a local run needs: tables, functions with their
 * HTTP API routes, and the global environment. The template stays the single source of truth, so
 * tests and {@code ./tollgate local} create exactly the tables and routes that get deployed.
 *
 * <p>Short-form intrinsics ({@code !Ref}, {@code !GetAtt}, {@code !Sub}, …) are read as their long
 * form (see {@link CfnYaml}); nothing is evaluated against a real stack.
 */
public final class SamTemplate {
    private static final String TABLE_TYPE = "AWS::DynamoDB::Table";
    private static final String FUNCTION_TYPE = "AWS::Serverless::Function";
    private static final String HTTP_API_TYPE = "AWS::Serverless::HttpApi";
    private static final String IAM_AUTHORIZER = "AWS_IAM";

    private final Path source;
    private final JsonNode root;
    private final List<TableSpec> tables;
    private final List<FunctionSpec> functions;
    private final Map<String, String> globalEnvironment;

    private SamTemplate(Path source, JsonNode root) {
        this.source = source;
        this.root = root;
        this.tables = List.copyOf(readTables());
        this.globalEnvironment = Collections.unmodifiableMap(withParameterDefaults(
                plainStrings(root.path("Globals").path("Function").path("Environment").path("Variables"))));
        this.functions = List.copyOf(readFunctions());
    }

    /** Reads and interprets the template at {@code path}. */
    public static SamTemplate load(Path path) {
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return new SamTemplate(path, CfnYaml.read(reader));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SAM template " + path, e);
        }
    }

    /** Interprets template text (for tests). */
    public static SamTemplate parse(String yaml) {
        return new SamTemplate(null, CfnYaml.read(new StringReader(yaml)));
    }

    /** The file it was loaded from, or {@code null} if parsed from a string. */
    public Path source() {
        return source;
    }

    /** Every {@code AWS::DynamoDB::Table}, in template order. */
    public List<TableSpec> tables() {
        return tables;
    }

    /** The table with this logical id. */
    public TableSpec table(String logicalId) {
        return tables.stream().filter(t -> t.logicalId().equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no AWS::DynamoDB::Table named " + logicalId));
    }

    /** {@code CreateTableRequest} for the table with this logical id, named {@code tableName}. */
    public CreateTableRequest createTableRequest(String logicalId, String tableName) {
        return table(logicalId).createTableRequest(tableName);
    }

    /** Every {@code AWS::Serverless::Function}, in template order. */
    public List<FunctionSpec> functions() {
        return functions;
    }

    /**
     * {@code Globals.Function.Environment.Variables}, in template order, flattened to plain strings:
     * {@code !Ref X} gives {@code X}, {@code !GetAtt X.Arn} gives {@code X.Arn}, {@code !Sub 's'} gives
     * {@code s}; a {@code !Ref} to a template parameter gives that parameter's {@code Default}. Callers replace
     * resource logical ids by local names.
     */
    public Map<String, String> globalEnvironment() {
        return globalEnvironment;
    }

    private Map<String, String> withParameterDefaults(Map<String, String> values) {
        Map<String, String> resolved = new java.util.LinkedHashMap<>(values);
        JsonNode parameters = root.path("Parameters");
        resolved.replaceAll((name, value) -> parameters.path(value).has("Default")
                ? parameters.path(value).path("Default").asText() : value);
        return resolved;
    }

    // ---- tables -----------------------------------------------------------------------------------

    private List<TableSpec> readTables() {
        List<TableSpec> result = new ArrayList<>();
        resources(TABLE_TYPE).forEach((logicalId, resource) -> result.add(readTable(logicalId, resource.path("Properties"))));
        return result;
    }

    /**
     * The security headers of the template's CloudFront response headers policy (the console's), as header name to
     * value, so that the local runner serves the console with exactly the headers CloudFront adds. Empty when the
     * template has no such policy. Strict-Transport-Security is left out: the local runner speaks plain HTTP.
     */
    public Map<String, String> consoleResponseHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        resources("AWS::CloudFront::ResponseHeadersPolicy").values().stream().findFirst().ifPresent(policy -> {
            JsonNode security = policy.path("Properties").path("ResponseHeadersPolicyConfig").path("SecurityHeadersConfig");
            String csp = text(security.path("ContentSecurityPolicy"), "ContentSecurityPolicy");
            if (csp != null) {
                headers.put("Content-Security-Policy", csp);
            }
            if (!security.path("ContentTypeOptions").isMissingNode()) {
                headers.put("X-Content-Type-Options", "nosniff");
            }
            String frame = text(security.path("FrameOptions"), "FrameOption");
            if (frame != null) {
                headers.put("X-Frame-Options", frame);
            }
            String referrer = text(security.path("ReferrerPolicy"), "ReferrerPolicy");
            if (referrer != null) {
                headers.put("Referrer-Policy", referrer);
            }
        });
        return headers;
    }

    private static TableSpec readTable(String logicalId, JsonNode props) {
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(logicalId)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(list(props.path("AttributeDefinitions"), d -> AttributeDefinition.builder()
                        .attributeName(text(d, "AttributeName"))
                        .attributeType(text(d, "AttributeType"))
                        .build()))
                .keySchema(keySchema(props.path("KeySchema")));
        List<GlobalSecondaryIndex> gsis = list(props.path("GlobalSecondaryIndexes"), i -> GlobalSecondaryIndex.builder()
                .indexName(text(i, "IndexName"))
                .keySchema(keySchema(i.path("KeySchema")))
                .projection(projection(i.path("Projection")))
                .build());
        if (!gsis.isEmpty()) {
            request.globalSecondaryIndexes(gsis);
        }
        List<LocalSecondaryIndex> lsis = list(props.path("LocalSecondaryIndexes"), i -> LocalSecondaryIndex.builder()
                .indexName(text(i, "IndexName"))
                .keySchema(keySchema(i.path("KeySchema")))
                .projection(projection(i.path("Projection")))
                .build());
        if (!lsis.isEmpty()) {
            request.localSecondaryIndexes(lsis);
        }
        JsonNode stream = props.path("StreamSpecification");
        if (stream.hasNonNull("StreamViewType")) {
            request.streamSpecification(StreamSpecification.builder()
                    .streamEnabled(true).streamViewType(text(stream, "StreamViewType")).build());
        }
        JsonNode ttl = props.path("TimeToLiveSpecification");
        Optional<String> ttlAttribute = ttl.hasNonNull("AttributeName") && isTrue(ttl.path("Enabled"))
                ? Optional.of(text(ttl, "AttributeName"))
                : Optional.empty();
        return new TableSpec(logicalId, request.build(), ttlAttribute);
    }

    private static List<KeySchemaElement> keySchema(JsonNode keys) {
        return list(keys, k -> KeySchemaElement.builder()
                .attributeName(text(k, "AttributeName"))
                .keyType(text(k, "KeyType"))
                .build());
    }

    private static Projection projection(JsonNode projection) {
        Projection.Builder builder = Projection.builder()
                .projectionType(projection.hasNonNull("ProjectionType") ? text(projection, "ProjectionType") : ProjectionType.ALL.toString());
        List<String> nonKey = list(projection.path("NonKeyAttributes"), CfnYaml::plainString);
        if (!nonKey.isEmpty()) {
            builder.nonKeyAttributes(nonKey);
        }
        return builder.build();
    }

    // ---- functions and routes ---------------------------------------------------------------------

    private List<FunctionSpec> readFunctions() {
        JsonNode globals = root.path("Globals").path("Function");
        String implicitApiAuthorizer = text(root.path("Globals").path("HttpApi").path("Auth"), "DefaultAuthorizer");
        List<FunctionSpec> result = new ArrayList<>();
        resources(FUNCTION_TYPE).forEach((logicalId, resource) -> {
            JsonNode props = resource.path("Properties");
            String handler = props.hasNonNull("Handler") ? text(props, "Handler") : text(globals, "Handler");
            if (handler == null) {
                throw new IllegalArgumentException(logicalId + ": no Handler (neither on the function nor in Globals)");
            }
            int split = handler.indexOf("::");
            String handlerClass = split < 0 ? handler : handler.substring(0, split);
            String handlerMethod = split < 0 ? "handleRequest" : handler.substring(split + 2);
            JsonNode codeUri = props.has("CodeUri") ? props.get("CodeUri") : globals.path("CodeUri");
            List<RouteSpec> routes = new ArrayList<>();
            props.path("Events").properties().forEach(event -> {
                JsonNode eventNode = event.getValue();
                if ("HttpApi".equals(text(eventNode, "Type"))) {
                    routes.add(readRoute(logicalId + "." + event.getKey(), eventNode.path("Properties"), implicitApiAuthorizer));
                }
            });
            result.add(new FunctionSpec(logicalId, handlerClass, handlerMethod,
                    codeUri.isTextual() ? codeUri.asText() : null,
                    plainStrings(props.path("Environment").path("Variables")), routes));
        });
        return result;
    }

    private RouteSpec readRoute(String where, JsonNode props, String implicitApiAuthorizer) {
        String authorizer = text(props.path("Auth"), "Authorizer");
        if (authorizer == null) {
            authorizer = props.has("ApiId") ? apiDefaultAuthorizer(CfnYaml.plainString(props.get("ApiId")))
                    : implicitApiAuthorizer;
        }
        boolean iam = IAM_AUTHORIZER.equals(authorizer);
        String path = text(props, "Path");
        String method = text(props, "Method");
        if (path == null && method == null) {
            return RouteSpec.defaultRoute(iam);
        }
        if (path == null || method == null) {
            throw new IllegalArgumentException(where + ": an HttpApi event needs both Path and Method, or neither for $default");
        }
        return RouteSpec.of(method.equalsIgnoreCase("any") ? "ANY" : method.toUpperCase(Locale.ROOT), path, iam);
    }

    /** The {@code Auth.DefaultAuthorizer} of an explicit {@code AWS::Serverless::HttpApi} (or of Globals.HttpApi). */
    private String apiDefaultAuthorizer(String apiLogicalId) {
        JsonNode api = root.path("Resources").path(apiLogicalId);
        String own = text(api.path("Properties").path("Auth"), "DefaultAuthorizer");
        if (own != null || !HTTP_API_TYPE.equals(text(api, "Type"))) {
            return own;
        }
        return text(root.path("Globals").path("HttpApi").path("Auth"), "DefaultAuthorizer");
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private Map<String, JsonNode> resources(String type) {
        Map<String, JsonNode> result = new LinkedHashMap<>();
        root.path("Resources").properties().forEach(e -> {
            if (type.equals(text(e.getValue(), "Type"))) {
                result.put(e.getKey(), e.getValue());
            }
        });
        return result;
    }

    private static Map<String, String> plainStrings(JsonNode variables) {
        Map<String, String> result = new LinkedHashMap<>();
        variables.properties().forEach(e -> result.put(e.getKey(), CfnYaml.plainString(e.getValue())));
        return result;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : CfnYaml.plainString(value);
    }

    private static boolean isTrue(JsonNode node) {
        return node.isBoolean() ? node.booleanValue() : "true".equalsIgnoreCase(node.asText());
    }

    private static <T> List<T> list(JsonNode array, java.util.function.Function<JsonNode, T> mapper) {
        List<T> result = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(element -> result.add(mapper.apply(element)));
        }
        return result;
    }
}
