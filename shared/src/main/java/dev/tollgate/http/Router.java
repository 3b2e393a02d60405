package dev.tollgate.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Invocation;
import dev.tollgate.log.Log;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Dispatches an API Gateway v2 event on its {@code routeKey} (what API Gateway matched, e.g.
 * {@code GET /api/v1/byok/{id}}) and maps every outcome to a response. Handlers register routes and
 * otherwise know nothing of HTTP errors, request ids, logging or metrics: each request is one {@link Invocation}, so
 * its log lines carry Tollgate's, API Gateway's and Lambda's request ids, and it ends with one summary line that is
 * also its metrics document.
 */
public final class Router {
    private static final Log LOG = Log.get(Router.class);

    @FunctionalInterface
    public interface Endpoint {
        ApiResponse handle(ApiRequest request);
    }

    private final Map<String, Endpoint> routes = new LinkedHashMap<>();

    public Router route(String routeKey, Endpoint endpoint) {
        if (!ApiRoutes.ALL.contains(routeKey)) {
            throw new IllegalArgumentException("route " + routeKey + " is not declared in ApiRoutes");
        }
        routes.put(routeKey, endpoint);
        return this;
    }

    /** Without a Lambda context (tests, tools): no Lambda request id or function name on the lines. */
    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        return handle(event, null);
    }

    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context lambda) {
        String requestId = Ids.newId("req");
        String apiGatewayRequestId = event.getRequestContext() == null ? null
                : event.getRequestContext().getRequestId();
        String lambdaRequestId = lambda == null ? null : lambda.getAwsRequestId();
        Invocation invocation = Invocation.begin(LOG, lambda == null ? null : lambda.getFunctionName(),
                new Log.Correlation(requestId, lambdaRequestId, apiGatewayRequestId, null));
        String method = "?";
        String route = event.getRouteKey();
        ApiResponse response;
        try {
            ApiRequest request = ApiRequest.from(event, requestId);
            method = request.method();
            response = dispatch(request);
        } catch (TollgateException e) {
            response = ErrorResponses.from(e, requestId);
        } catch (RuntimeException e) {
            LOG.error("unhandled failure", e, "route", String.valueOf(route));
            response = ErrorResponses.internal(requestId);
        }
        try {
            return response.toEvent(requestId);
        } finally {
            invocation.end("request", "method", method, "route", String.valueOf(route), "status", response.status());
        }
    }

    private ApiResponse dispatch(ApiRequest request) {
        Endpoint endpoint = routes.get(request.routeKey());
        if (endpoint != null) {
            return endpoint.handle(request);
        }
        // $default, or a route another function owns that reached us anyway: answer as the API would.
        Optional<String> known = ApiRoutes.match(request.method(), request.path());
        if (known.isPresent() && routes.containsKey(known.get())) {
            throw new TollgateException(ErrorCode.INTERNAL_ERROR, "Route is misconfigured");
        }
        if (ApiRoutes.pathExists(request.path())) {
            throw new TollgateException(ErrorCode.METHOD_NOT_ALLOWED,
                    "Method " + request.method() + " is not allowed on " + request.path(),
                    Map.of("allowed", ApiRoutes.methodsFor(request.path())));
        }
        throw new TollgateException(ErrorCode.NOT_FOUND, "No route for " + request.method() + " " + request.path());
    }
}
