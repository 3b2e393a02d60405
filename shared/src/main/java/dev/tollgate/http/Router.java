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
import java.util.function.LongSupplier;

/**
 * Dispatches an API Gateway v2 event on its {@code routeKey} (what API Gateway matched, e.g.
 * {@code GET /api/v1/byok/{id}}) and maps every outcome to a response. Handlers register routes and
 * otherwise know nothing of HTTP errors, request ids, logging or metrics: each request is one {@link Invocation}, so
 * its log lines carry Tollgate's, API Gateway's and Lambda's request ids, and it ends with one summary line that is
 * also its metrics document.
 *
 * <p>Nothing escapes {@link #handle}: a {@link TollgateException} becomes its error, anything else that is thrown
 * (a bug, a {@link StackOverflowError}, an {@link OutOfMemoryError}) is logged with its redacted message and becomes
 * {@code 500 internal_error} in the same envelope, never API Gateway's bare {@code {"message":"Internal Server
 * Error"}}. The envelope is REST's, or whatever {@link ErrorRenderer} the function's door speaks ({@code /mcp}: a
 * JSON-RPC error object).
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

    /** How a failure is written for this door's callers: Tollgate's envelope, or another door's shape (OpenAI's). */
    @FunctionalInterface
    public interface ErrorRenderer {
        ApiResponse render(TollgateException error, String requestId);
    }

    private final Map<String, Endpoint> routes = new LinkedHashMap<>();
    private final Map<String, StreamingEndpoint> streamingRoutes = new LinkedHashMap<>();
    /** Routes whose door answers failures in a shape of its own (A2A's JSON-RPC beside its REST-shaped card). */
    private final Map<String, ErrorRenderer> routeErrors = new LinkedHashMap<>();
    private final ErrorRenderer errors;

    /** A router answering failures with the REST error envelope. */
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

    /** A route whose failures, even those the router catches, are answered by {@code errors}. */
    public Router route(String routeKey, Endpoint endpoint, ErrorRenderer errors) {
        route(routeKey, endpoint);
        routeErrors.put(routeKey, errors);
        return this;
    }

    private ErrorRenderer errorsFor(String routeKey) {
        return routeErrors.getOrDefault(routeKey, errors);
    }

    /** Without a Lambda context (tests, tools): no Lambda request id or function name on the lines, no deadline. */
    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        return handle(event, null);
    }

    /**
     * @param lambda the invocation's context: its request id and function name go on every line, and its remaining
     *               time bounds the work a request may still start (the local runner's context counts down too);
     *               null when there is none
     */
    public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event, Context lambda) {
        if (streamingRoutes.containsKey(event.getRouteKey())) {
            BufferedResponseStream buffered = new BufferedResponseStream();
            handleStreaming(event, buffered, lambda);
            return buffered.toEvent();
        }
        String requestId = Ids.newId("req");
        Invocation invocation = begin(event, requestId, lambda);
        String method = "?";
        String route = String.valueOf(event.getRouteKey());
        int status = 500;
        try {
            ApiResponse response;
            try {
                ApiRequest request = ApiRequest.from(event, requestId, remainingMillis(lambda));
                method = request.method();
                response = dispatch(request);
            } catch (TollgateException e) {
                response = errorsFor(route).render(e, requestId);
            } catch (Throwable e) {
                // Deliberately every Throwable: the caller gets our envelope and request id whatever broke.
                response = internalError(e, route, requestId);
            }
            status = response.status();
            return response.toEvent(requestId);
        } catch (Throwable e) {
            // Even rendering failed (the heap is exhausted): a fixed body needs no allocation to speak of.
            status = 500;
            return ErrorResponses.lastResort(requestId);
        } finally {
            endQuietly(invocation, "request", "method", method, "route", route, "status", status);
        }
    }

    /** {@link #handleStreaming(APIGatewayV2HTTPEvent, ResponseStream, Context)} without a Lambda context. */
    public void handleStreaming(APIGatewayV2HTTPEvent event, ResponseStream out) {
        handleStreaming(event, out, null);
    }

    /**
     * Answers into a response stream: a streaming route writes as it goes; any other route's buffered response is
     * written whole. A failure before the response started becomes the error response; after that the endpoint
     * reports it in its own stream, and it is only logged here. As in {@link #handle}, nothing escapes.
     */
    public void handleStreaming(APIGatewayV2HTTPEvent event, ResponseStream out, Context lambda) {
        StreamingEndpoint streaming = streamingRoutes.get(event.getRouteKey());
        if (streaming == null) {
            writeQuietly(out, handle(event, lambda));
            return;
        }
        String requestId = Ids.newId("req");
        Invocation invocation = begin(event, requestId, lambda);
        String route = String.valueOf(event.getRouteKey());
        ApiResponse failure = null;
        try {
            try {
                streaming.handle(ApiRequest.from(event, requestId, remainingMillis(lambda)), out);
            } catch (TollgateException e) {
                failure = errorsFor(route).render(e, requestId);
            } catch (java.io.IOException e) {
                LOG.info("client went away during a streamed response", "route", route);
            } catch (Throwable e) {
                failure = internalError(e, route, requestId);
            }
            if (failure != null && !out.started()) {
                out.write(failure, requestId);
            }
        } catch (java.io.IOException e) {
            LOG.info("client went away before the error response", "route", route);
        } catch (Throwable e) {
            writeQuietly(out, ErrorResponses.lastResort(requestId));
        } finally {
            endQuietly(invocation, "request", "route", route,
                    "status", failure != null ? failure.status() : 200, "streamed", true);
        }
    }

    private static Invocation begin(APIGatewayV2HTTPEvent event, String requestId, Context lambda) {
        String apiGatewayRequestId = event.getRequestContext() == null ? null
                : event.getRequestContext().getRequestId();
        String lambdaRequestId = lambda == null ? null : lambda.getAwsRequestId();
        return Invocation.begin(LOG, lambda == null ? null : lambda.getFunctionName(),
                new Log.Correlation(requestId, lambdaRequestId, apiGatewayRequestId, null));
    }

    /** The summary line must not turn an answer already made into a thrown error (it can fail when memory is out). */
    private static void endQuietly(Invocation invocation, String message, Object... keyValues) {
        try {
            invocation.end(message, keyValues);
        } catch (Throwable e) {
            // The response still goes out; Invocation.end has unbound the request's ids and metrics.
        }
    }

    private static LongSupplier remainingMillis(Context lambda) {
        return lambda == null ? null : () -> lambda.getRemainingTimeInMillis();
    }

    private static void writeQuietly(ResponseStream out, APIGatewayV2HTTPResponse response) {
        if (out.started()) {
            return;
        }
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

    private ApiResponse internalError(Throwable e, String route, String requestId) {
        try {
            LOG.error("unhandled failure", e, "route", route);
        } catch (Throwable logFailed) {
            // Nothing more to do: the response below still goes out.
        }
        return errorsFor(route).render(ErrorResponses.internalError(), requestId);
    }

    private ApiResponse dispatch(ApiRequest request) {
        Endpoint endpoint = routes.get(request.routeKey());
        if (endpoint != null) {
            return endpoint.handle(request);
        }
        // $default: no route of the API matched this method and path, so answer as the API would. A path that does
        // match a declared route here was still not routed to it by API Gateway (e.g. an encoded '/' in an id): for
        // the caller that resource does not exist.
        if (ApiRoutes.match(request.method(), request.path()).isPresent()) {
            LOG.warn("declared route reached the default route", "method", request.method());
            throw notFound(request);
        }
        if (ApiRoutes.pathExists(request.path())) {
            throw new TollgateException(ErrorCode.METHOD_NOT_ALLOWED,
                    "Method " + printable(request.method(), "this method") + " is not allowed on "
                            + printable(request.path(), "this path"),
                    Map.of("allowed", ApiRoutes.methodsFor(request.path())));
        }
        throw notFound(request);
    }

    /** 404, pointing at the route a trailing slash hides ({@code /api/v1/key/} is not {@code /api/v1/key}). */
    private static TollgateException notFound(ApiRequest request) {
        String path = request.path();
        String route = "No route for " + printable(request.method(), "this method") + " " + printable(path, "this path");
        String withoutSlash = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : null;
        if (withoutSlash != null && ApiRoutes.pathExists(withoutSlash)) {
            return new TollgateException(ErrorCode.NOT_FOUND, route + " (paths have no trailing slash: "
                    + printable(withoutSlash, "drop it") + ")");
        }
        return new TollgateException(ErrorCode.NOT_FOUND, route);
    }

    /** Request text worth echoing in a message: short printable ASCII; anything else is described, not repeated. */
    private static String printable(String text, String otherwise) {
        if (text.length() > 200) {
            return otherwise;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < 0x21 || text.charAt(i) > 0x7e) {
                return otherwise;
            }
        }
        return text;
    }
}
