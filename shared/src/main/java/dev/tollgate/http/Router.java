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

    /** An endpoint that writes its response as it is produced (a streamed chat completion). */
    @FunctionalInterface
    public interface StreamingEndpoint {
        void handle(ApiRequest request, ResponseStream out) throws java.io.IOException;
    }

    /** How a failure becomes a response: Tollgate's envelope, or another door's shape (OpenAI's). */
    @FunctionalInterface
    public interface ErrorRenderer {
        ApiResponse render(TollgateException error, String requestId);
    }

    private final Map<String, Endpoint> routes = new LinkedHashMap<>();
    private final Map<String, StreamingEndpoint> streamingRoutes = new LinkedHashMap<>();
    private final ErrorRenderer errors;

    public Router() {
        this(ErrorResponses::from);
    }

    public Router(ErrorRenderer errors) {
        this.errors = errors;
    }

    /**
     * A route answered by {@code streaming} when the function is invoked with a response stream, and buffered
     * otherwise: {@code streaming} writes into a {@link BufferedResponseStream} and the whole response is returned.
     */
    public Router streamingRoute(String routeKey, StreamingEndpoint streaming) {
        streamingRoutes.put(routeKey, streaming);
        return route(routeKey, request -> {
            throw new IllegalStateException("streaming routes are dispatched by the router");
        });
    }

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
        if (streamingRoutes.containsKey(event.getRouteKey())) {
            BufferedResponseStream buffered = new BufferedResponseStream();
            handleStreaming(event, buffered, lambda);
            return buffered.toEvent();
        }
        String requestId = Ids.newId("req");
        Invocation invocation = begin(event, requestId, lambda);
        String method = "?";
        String route = event.getRouteKey();
        ApiResponse response;
        try {
            ApiRequest request = ApiRequest.from(event, requestId);
            method = request.method();
            response = dispatch(request);
        } catch (TollgateException e) {
            response = errors.render(e, requestId);
        } catch (RuntimeException e) {
            LOG.error("unhandled failure", e, "route", String.valueOf(route));
            response = errors.render(ErrorResponses.internalError(), requestId);
        }
        try {
            return response.toEvent(requestId);
        } finally {
            invocation.end("request", "method", method, "route", String.valueOf(route), "status", response.status());
        }
    }

    private static Invocation begin(APIGatewayV2HTTPEvent event, String requestId, Context lambda) {
        String apiGatewayRequestId = event.getRequestContext() == null ? null
                : event.getRequestContext().getRequestId();
        String lambdaRequestId = lambda == null ? null : lambda.getAwsRequestId();
        return Invocation.begin(LOG, lambda == null ? null : lambda.getFunctionName(),
                new Log.Correlation(requestId, lambdaRequestId, apiGatewayRequestId, null));
    }

    /** {@link #handleStreaming(APIGatewayV2HTTPEvent, ResponseStream, Context)} without a Lambda context. */
    public void handleStreaming(APIGatewayV2HTTPEvent event, ResponseStream out) {
        handleStreaming(event, out, null);
    }

    /**
     * Answers into a response stream: a streaming route writes as it goes; any other route's buffered response is
     * written whole. A failure before the response started becomes the error response; after that the endpoint
     * reports it in its own stream, and it is only logged here.
     */
    public void handleStreaming(APIGatewayV2HTTPEvent event, ResponseStream out, Context lambda) {
        StreamingEndpoint streaming = streamingRoutes.get(event.getRouteKey());
        if (streaming == null) {
            APIGatewayV2HTTPResponse response = handle(event, lambda);
            writeQuietly(out, response);
            return;
        }
        String requestId = Ids.newId("req");
        Invocation invocation = begin(event, requestId, lambda);
        String route = event.getRouteKey();
        ApiResponse failure = null;
        try {
            streaming.handle(ApiRequest.from(event, requestId), out);
        } catch (TollgateException e) {
            failure = errors.render(e, requestId);
        } catch (java.io.IOException e) {
            LOG.info("client went away during a streamed response", "route", String.valueOf(route));
        } catch (RuntimeException e) {
            LOG.error("unhandled failure", e, "route", String.valueOf(route));
            failure = errors.render(ErrorResponses.internalError(), requestId);
        }
        try {
            if (failure != null && !out.started()) {
                out.write(failure, requestId);
            }
        } catch (java.io.IOException e) {
            LOG.info("client went away before the error response", "route", String.valueOf(route));
        } finally {
            invocation.end("request", "route", String.valueOf(route),
                    "status", failure != null ? failure.status() : 200, "streamed", true);
        }
    }

    private static void writeQuietly(ResponseStream out, APIGatewayV2HTTPResponse response) {
        try {
            out.start(response.getStatusCode(), response.getHeaders());
            if (response.getBody() != null) {
                out.body().write(response.getBody().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            out.body().flush();
        } catch (java.io.IOException e) {
            LOG.info("client went away before the response", "status", response.getStatusCode());
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
