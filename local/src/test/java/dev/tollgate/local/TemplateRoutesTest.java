package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.http.ApiRoutes;
import dev.tollgate.testkit.FunctionSpec;
import dev.tollgate.testkit.RepoRoot;
import dev.tollgate.testkit.RouteSpec;
import dev.tollgate.testkit.SamTemplate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** template.yaml, the routers' route table and the handler classes must describe the same API. */
class TemplateRoutesTest {
    private final SamTemplate template = SamTemplate.load(RepoRoot.template());

    @Test
    void everyTemplateRouteIsDeclaredInApiRoutesAndViceVersa() {
        Set<String> inTemplate = new TreeSet<>();
        for (FunctionSpec function : template.functions()) {
            function.routes().stream().filter(r -> !r.isDefault()).map(RouteSpec::routeKey).forEach(key ->
                    assertTrue(inTemplate.add(key), "route declared twice: " + key));
        }
        assertEquals(new TreeSet<>(ApiRoutes.ALL), inTemplate);
    }

    @Test
    void everyFunctionHandlerExistsAndHasTheServicesConstructor() throws Exception {
        for (FunctionSpec function : template.functions()) {
            Class<?> handler = Class.forName(function.handlerClass());
            handler.getConstructor(dev.tollgate.app.Services.class);
            handler.getConstructor();
        }
    }

    /** Loopback browser origins on /mcp are a local convenience; deployed, the allow-list is all there is. */
    @Test
    void theDeployedTemplateNeverAllowsLoopbackOrigins() {
        String variable = "TOLLGATE_MCP_ALLOW_LOOPBACK_ORIGINS";
        assertTrue(!template.globalEnvironment().containsKey(variable), variable + " in Globals");
        template.functions().forEach(f -> assertTrue(!f.environment().containsKey(variable), variable + " in " + f.logicalId()));
    }

    @Test
    void onlyTheAdminRoutesUseTheIamAuthorizerAndExactlyOneFunctionOwnsTheDefaultRoute() {
        List<RouteSpec> routes = template.functions().stream().flatMap(f -> f.routes().stream()).toList();
        routes.stream().filter(r -> !r.isDefault()).forEach(r ->
                assertEquals(r.path().startsWith("/admin/"), r.iamAuth(), r.routeKey()));
        assertEquals(1, routes.stream().filter(RouteSpec::isDefault).count());
    }
}
