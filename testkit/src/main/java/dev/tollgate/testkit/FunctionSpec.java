package dev.tollgate.testkit;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code AWS::Serverless::Function} of a SAM template.
 *
 * @param logicalId     the resource's logical id, e.g. {@code BalanceFunction}
 * @param handlerClass  the class part of {@code Handler} ({@code a.b.C} of {@code a.b.C::handleRequest})
 * @param handlerMethod the method part, {@code handleRequest} when the template names none
 * @param codeUri       {@code CodeUri} when it is a plain string, else {@code null}
 * @param environment   the function's own {@code Environment.Variables} (not the globals), intrinsics
 *                      flattened as in {@link SamTemplate#globalEnvironment()}
 * @param routes        its {@code HttpApi} routes in template order
 */
public record FunctionSpec(String logicalId, String handlerClass, String handlerMethod, String codeUri,
                           Map<String, String> environment, List<RouteSpec> routes) {
    public FunctionSpec {
        Objects.requireNonNull(logicalId, "logicalId");
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        routes = List.copyOf(routes);
    }
}
