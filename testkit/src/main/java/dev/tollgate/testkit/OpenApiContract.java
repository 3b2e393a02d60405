package dev.tollgate.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi31;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OpenAPI 3.1 document as a contract for HTTP exchanges: {@link #check} says how a response breaks it — a route or
 * status the document does not have, a body with a field or value its schema does not allow (schemas are validated
 * with the OpenAPI 3.1 dialect of JSON Schema 2020-12). Requests to no route, or to a documented path with another
 * method, may be answered by the API's 404/405 fallback in the document's {@code Error} shape. A path item's
 * {@value #ANY_METHOD} (API Gateway's own OpenAPI extension) documents an {@code ANY} route: it answers every method
 * the path documents no operation for. As in API Gateway, a trailing slash makes another path.
 */
public final class OpenApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCUMENT = "https://tollgate.invalid/openapi.json";
    /** The path item key of an {@code ANY} route. */
    static final String ANY_METHOD = "x-amazon-apigateway-any-method";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options",
            ANY_METHOD);

    /** One documented operation; {@code method} is its key in the path item ({@value #ANY_METHOD} for ANY). */
    public record Route(String method, String template) {
        public String routeKey() {
            return (any() ? "ANY" : method.toUpperCase(Locale.ROOT)) + " " + template;
        }

        public boolean any() {
            return method.equals(ANY_METHOD);
        }
    }

    private final JsonNode document;
    private final List<Route> routes = new ArrayList<>();
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config;
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    private OpenApiContract(JsonNode document) {
        this.document = document;
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (METHODS.contains(op.getKey())) {
                routes.add(new Route(op.getKey(), path.getKey()));
            }
        }));
        String json;
        try {
            json = JSON.writeValueAsString(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
                .metaSchema(OpenApi31.getInstance())
                .defaultMetaSchemaIri(OpenApi31.getInstance().getIri())
                .schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT, json))));
        this.config = SchemaValidatorsConfig.builder().build();
    }

    public static OpenApiContract load(Path yaml) {
        try {
            return new OpenApiContract(new YAMLMapper().readTree(Files.readString(yaml)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + yaml, e);
        }
    }

    /** {@code docs/openapi.yaml} of this repository. */
    public static OpenApiContract ofRepo() {
        return load(RepoRoot.find().resolve("docs/openapi.yaml"));
    }

    public JsonNode document() {
        return document;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /**
     * The documented operation a request reaches, the most literal template first; a route of the request's own method
     * before an {@code ANY} route of the same template.
     */
    public Optional<Route> route(String method, String path) {
        Route best = null;
        int bestScore = -1;
        for (Route route : routes) {
            boolean exact = route.method().equalsIgnoreCase(method);
            if (exact || route.any()) {
                int literals = literalMatch(route.template(), path);
                int score = literals < 0 ? -1 : literals * 2 + (exact ? 1 : 0);
                if (score > bestScore) {
                    best = route;
                    bestScore = score;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * How this exchange breaks the contract; empty when it conforms.
     *
     * @param contentType the response's {@code Content-Type}, or null
     * @param body        the response body ({@code ""} for none)
     */
    public List<String> check(String method, String path, int status, String contentType, String body) {
        String what = method.toUpperCase(Locale.ROOT) + " " + path + " -> " + status;
        Optional<Route> route = route(method, path);
        if (route.isEmpty()) {
            boolean pathKnown = routes.stream().anyMatch(r -> literalMatch(r.template(), path) >= 0);
            if ((status == 404 && !pathKnown) || (status == 405 && pathKnown)) {
                return validate(what, "#/components/schemas/Error", body);
            }
            return List.of(what + ": the route is not in docs/openapi.yaml");
        }
        JsonNode operation = document.path("paths").path(route.get().template()).path(route.get().method());
        String pointer = "/paths/" + escape(route.get().template()) + "/" + route.get().method() + "/responses/" + status;
        JsonNode response = operation.path("responses").path(String.valueOf(status));
        if (response.isMissingNode()) {
            return List.of(what + ": status " + status + " is not documented for " + route.get().routeKey()
                    + " in docs/openapi.yaml; body: " + shorten(body));
        }
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = document.at(pointer);
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || content.isEmpty()) {
            return body == null || body.isEmpty() ? List.of()
                    : List.of(what + ": documented without a body, but one came: " + shorten(body));
        }
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!content.has(type)) {
            return List.of(what + ": content type '" + type + "' is not documented (" + fieldNames(content) + ")");
        }
        if (!type.equals("application/json")) {
            return List.of();
        }
        return validate(what, "#" + pointer + "/content/application~1json/schema", body);
    }

    private List<String> validate(String what, String schemaPointer, String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body == null || body.isEmpty() ? "null" : body);
        } catch (IOException e) {
            return List.of(what + ": the body is not JSON: " + shorten(body));
        }
        JsonSchema schema = schemas.computeIfAbsent(schemaPointer,
                p -> factory.getSchema(SchemaLocation.of(DOCUMENT + p), config));
        Set<ValidationMessage> messages = schema.validate(node);
        List<String> out = new ArrayList<>();
        for (ValidationMessage message : messages) {
            out.add(what + ": " + message.getMessage() + " (schema " + schemaPointer + ")");
        }
        if (!out.isEmpty()) {
            out.add(what + ": body " + shorten(body));
        }
        return out;
    }

    /** The number of literal segments a template shares with the path, or -1 when it does not match. */
    static int literalMatch(String template, String path) {
        String[] t = template.split("/", -1);
        String[] p = path.split("/", -1);
        if (t.length != p.length) {
            return -1;
        }
        int literals = 0;
        for (int i = 0; i < t.length; i++) {
            if (t[i].startsWith("{") && t[i].endsWith("}")) {
                if (p[i].isEmpty()) {
                    return -1;
                }
            } else if (t[i].equals(p[i])) {
                literals++;
            } else {
                return -1;
            }
        }
        return literals;
    }

    private static String escape(String template) {
        return template.replace("~", "~0").replace("/", "~1");
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private static String shorten(String body) {
        return body == null ? "" : body.length() <= 600 ? body : body.substring(0, 600) + "…";
    }
}
