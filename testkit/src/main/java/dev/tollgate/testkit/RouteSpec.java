package dev.tollgate.testkit;

import java.util.Objects;

/**
 * One route of an HTTP API, from a function's {@code Events} entry of {@code Type: HttpApi}.
 *
 * @param method   upper-case HTTP method, or {@code ANY}; {@code ANY} for the {@code $default} route
 * @param path     the path template, e.g. {@code /api/v1/byok/{id}}; {@code null} for {@code $default}
 * @param routeKey exactly what API Gateway puts in {@code routeKey}: {@code "GET /api/v1/key"} or {@code $default}
 * @param iamAuth  whether the route uses the {@code AWS_IAM} authorizer
 */
public record RouteSpec(String method, String path, String routeKey, boolean iamAuth) {
    /** API Gateway's catch-all route key. */
    public static final String DEFAULT_ROUTE_KEY = "$default";

    public RouteSpec {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(routeKey, "routeKey");
    }

    /** A route for {@code method} (any case) and {@code path}. */
    public static RouteSpec of(String method, String path, boolean iamAuth) {
        String upper = method.toUpperCase(java.util.Locale.ROOT);
        return new RouteSpec(upper, path, upper + " " + path, iamAuth);
    }

    /** The {@code $default} route. */
    public static RouteSpec defaultRoute(boolean iamAuth) {
        return new RouteSpec("ANY", null, DEFAULT_ROUTE_KEY, iamAuth);
    }

    public boolean isDefault() {
        return DEFAULT_ROUTE_KEY.equals(routeKey);
    }
}
