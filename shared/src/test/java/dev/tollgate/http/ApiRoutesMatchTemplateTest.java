package dev.tollgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tollgate.testkit.RepoRoot;
import dev.tollgate.testkit.RouteSpec;
import dev.tollgate.testkit.SamTemplate;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** ApiRoutes.ALL (the 404/405 fallback's route table) and template.yaml's HttpApi routes are the same set. */
class ApiRoutesMatchTemplateTest {

    @Test
    void everyTemplateRouteIsInApiRoutesAndBack() {
        Set<String> template = SamTemplate.load(RepoRoot.template()).functions().stream()
                .flatMap(f -> f.routes().stream())
                .filter(r -> !r.isDefault())
                .map(RouteSpec::routeKey)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(ApiRoutes.ALL), template);
    }
}
