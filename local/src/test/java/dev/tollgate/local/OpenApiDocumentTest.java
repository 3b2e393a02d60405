package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.testkit.FunctionSpec;
import dev.tollgate.testkit.OpenApiContract;
import dev.tollgate.testkit.RepoRoot;
import dev.tollgate.testkit.RouteSpec;
import dev.tollgate.testkit.SamTemplate;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml is a valid OpenAPI 3.1 document (swagger-parser), documents exactly the routes of template.yaml and
 * every error code, and docs/API.md's route index is generated from it.
 */
class OpenApiDocumentTest {
    static final String INDEX_BEGIN = "<!-- routes:begin";
    static final String INDEX_END = "<!-- routes:end -->";
    private static final String WRITE_PROPERTY = "tollgate.docs.write";

    private final Path root = RepoRoot.find();
    private final OpenApiContract contract = OpenApiContract.load(root.resolve("docs/openapi.yaml"));

    @Test
    void theDocumentIsAValidOpenApi31Document() throws Exception {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(
                Files.readString(root.resolve("docs/openapi.yaml")), null, options);
        assertEquals(List.of(), result.getMessages(), "swagger-parser found problems in docs/openapi.yaml");
        assertTrue(result.getOpenAPI().getOpenapi().startsWith("3.1"), result.getOpenAPI().getOpenapi());
        assertTrue(result.getOpenAPI().getSpecVersion().name().equals("V31"));
    }

    @Test
    void everyRouteOfTheTemplateIsDocumentedAndNothingElse() {
        Set<String> documented = contract.routes().stream().map(OpenApiContract.Route::routeKey)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> missing = new ArrayList<>();
        Set<String> inTemplate = new TreeSet<>();
        for (FunctionSpec function : SamTemplate.load(RepoRoot.template()).functions()) {
            for (RouteSpec route : function.routes()) {
                if (route.isDefault()) {
                    continue;
                }
                inTemplate.add(route.routeKey());
                if (!documented.contains(route.routeKey())) {
                    missing.add(howToDocument(route, function));
                }
            }
        }
        if (!missing.isEmpty()) {
            fail(String.join("\n", missing));
        }
        documented.removeAll(inTemplate);
        assertEquals(Set.of(), documented, "docs/openapi.yaml documents routes template.yaml does not have");
    }

    /** The failure message for a route the document lacks: exactly what to add, and where. */
    static String howToDocument(RouteSpec route, FunctionSpec function) {
        String method = route.method().toLowerCase(java.util.Locale.ROOT);
        return "docs/openapi.yaml lacks " + route.routeKey() + " (template.yaml: " + function.logicalId()
                + "). Add under `paths:`\n  " + route.path() + ":\n    " + method + ":\n"
                + "      operationId: <camelCaseName>\n      tags: [<group>]\n      summary: <one line>\n"
                + (route.path().contains("{") ? "      parameters: [one `in: path` entry per {name}]\n" : "")
                + (method.equals("get") || method.equals("delete") ? "" : "      requestBody: {required: true, content: "
                        + "{application/json: {schema: {$ref: '#/components/schemas/<Request>'}}}}\n")
                + "      responses:\n        '200': {description: …, content: {application/json: {schema: "
                + "{$ref: '#/components/schemas/<Response>'}}}}\n"
                + "        '400': {$ref: '#/components/responses/Error'}   # one line per error status it can return\n"
                + (route.path().startsWith("/admin/") ? "      security: [{adminToken: []}, {sigv4: []}]\n"
                : route.iamAuth() ? "" : "      # public routes: security: []\n")
                + "with `additionalProperties: false` schemas under components/schemas, then run "
                + "`mvn -pl local -am test -Dtest=OpenApiDocumentTest -D" + WRITE_PROPERTY + "=true` to list it in docs/API.md.";
    }

    @Test
    void everyErrorCodeIsInTheDocumentsErrorCodeEnum() {
        JsonNode values = contract.document().at("/components/schemas/ErrorCode/enum");
        Set<String> documented = new TreeSet<>();
        values.forEach(v -> documented.add(v.asText()));
        Set<String> codes = Arrays.stream(ErrorCode.values()).map(ErrorCode::code)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(codes, documented, "components/schemas/ErrorCode/enum in docs/openapi.yaml must list ErrorCode");
    }

    @Test
    void apiMdListsEveryRouteAsTheDocumentDoes() throws Exception {
        Path apiMd = root.resolve("docs/API.md");
        String doc = Files.readString(apiMd);
        int begin = doc.indexOf(INDEX_BEGIN);
        int end = doc.indexOf(INDEX_END);
        assertTrue(begin >= 0 && end > begin, "docs/API.md needs the generated route index between "
                + INDEX_BEGIN + " … -->" + " and " + INDEX_END);
        int bodyStart = doc.indexOf("-->", begin) + 3;
        String expected = "\n" + routeIndex(contract) + "\n";
        if (Boolean.getBoolean(WRITE_PROPERTY)) {
            Files.writeString(apiMd, doc.substring(0, bodyStart) + expected + doc.substring(end));
            return;
        }
        assertEquals(expected, doc.substring(bodyStart, end), "docs/API.md's route index is out of date: run "
                + "`mvn -pl local -am test -Dtest=OpenApiDocumentTest -D" + WRITE_PROPERTY + "=true` to regenerate it");
    }

    /** One table row per operation, in document order: route, summary, who may call it. */
    static String routeIndex(OpenApiContract contract) {
        StringBuilder out = new StringBuilder("| route | what it does | auth |\n|---|---|---|\n");
        for (OpenApiContract.Route route : contract.routes()) {
            JsonNode operation = contract.document().path("paths").path(route.template()).path(route.method());
            JsonNode security = operation.path("security");
            String auth = security.isArray() && security.isEmpty() ? "public"
                    : security.toString().contains("adminToken") ? "operator (SigV4)" : "API key";
            out.append("| `").append(route.routeKey()).append("` | ").append(operation.path("summary").asText())
                    .append(" | ").append(auth).append(" |\n");
        }
        return out.toString().stripTrailing();
    }
}
