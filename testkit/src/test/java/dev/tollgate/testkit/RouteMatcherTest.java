package dev.tollgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteMatcherTest {
    private final RouteMatcher matcher = new RouteMatcher(List.of(
            new FunctionSpec("Keys", "k.K", "handleRequest", null, Map.of(), List.of(
                    RouteSpec.of("GET", "/keys", false),
                    RouteSpec.of("POST", "/keys", false),
                    RouteSpec.of("GET", "/keys/{id}", false),
                    RouteSpec.of("GET", "/keys/export", false),
                    RouteSpec.of("ANY", "/keys/{id}/audit", false),
                    RouteSpec.of("DELETE", "/keys/{id}/audit", false))),
            new FunctionSpec("Admin", "a.A", "handleRequest", null, Map.of(), List.of(
                    RouteSpec.of("ANY", "/admin/{proxy+}", true),
                    RouteSpec.of("GET", "/admin/health", false))),
            new FunctionSpec("Fallback", "f.F", "handleRequest", null, Map.of(), List.of(RouteSpec.defaultRoute(false)))));

    private String routeKey(String method, String path) {
        return matcher.match(method, path).map(m -> m.route().routeKey()).orElse("none");
    }

    @Test
    void literalPathsWinOverParameters() {
        assertEquals("GET /keys/export", routeKey("GET", "/keys/export"));
        assertEquals("GET /keys/{id}", routeKey("GET", "/keys/key_1"));
        assertEquals(Map.of("id", "key_1"), matcher.match("GET", "/keys/key_1").orElseThrow().pathParameters());
    }

    @Test
    void explicitMethodWinsOverAnyAndAnyMatchesTheRest() {
        assertEquals("DELETE /keys/{id}/audit", routeKey("DELETE", "/keys/k/audit"));
        assertEquals("ANY /keys/{id}/audit", routeKey("PATCH", "/keys/k/audit"));
        assertEquals("ANY /keys/{id}/audit", routeKey("HEAD", "/keys/k/audit"));
    }

    @Test
    void greedyParameterTakesTheRestOfThePathAndLosesToLiterals() {
        RouteMatcher.Match match = matcher.match("POST", "/admin/v1/platform-keys/openai").orElseThrow();
        assertEquals("ANY /admin/{proxy+}", match.route().routeKey());
        assertEquals("Admin", match.functionId());
        assertEquals(Map.of("proxy", "v1/platform-keys/openai"), match.pathParameters());
        assertEquals("GET /admin/health", routeKey("GET", "/admin/health"));
        assertEquals("$default", routeKey("GET", "/admin"), "a greedy parameter needs at least one segment");
    }

    @Test
    void methodMismatchAndUnknownPathsFallToDefault() {
        assertEquals("$default", routeKey("PUT", "/keys"));
        assertEquals("$default", routeKey("GET", "/nothing/here"));
        assertEquals("$default", routeKey("GET", "/keys/"), "a trailing slash is another path");
        assertEquals("$default", routeKey("GET", "/keys//audit"), "an empty segment is no parameter value");
        assertEquals(Map.of(), matcher.match("PUT", "/keys").orElseThrow().pathParameters());
    }

    @Test
    void noDefaultMeansNoMatch() {
        RouteMatcher withoutDefault = new RouteMatcher(List.of(new FunctionSpec("Keys", "k.K", "handleRequest", null,
                Map.of(), List.of(RouteSpec.of("GET", "/keys", false)))));
        assertTrue(withoutDefault.match("GET", "/other").isEmpty());
        assertTrue(withoutDefault.match("POST", "/keys").isEmpty());
    }

    @Test
    void decodesPathParametersPerSegment() {
        assertEquals(Map.of("id", "a/b c+d"), matcher.match("GET", "/keys/a%2Fb%20c+d").orElseThrow().pathParameters());
    }

    @Test
    void rejectsARouteDeclaredTwice() {
        RouteSpec route = RouteSpec.of("GET", "/x", false);
        assertThrows(IllegalArgumentException.class, () -> new RouteMatcher(List.of(
                new FunctionSpec("A", "a.A", "h", null, Map.of(), List.of(route)),
                new FunctionSpec("B", "b.B", "h", null, Map.of(), List.of(route)))));
    }
}
