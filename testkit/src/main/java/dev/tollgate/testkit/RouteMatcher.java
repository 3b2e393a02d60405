package dev.tollgate.testkit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Chooses the route for a request the way API Gateway HTTP APIs do: among routes whose method
 * (or {@code ANY}) and path template match, the most specific wins, comparing segment by segment
 * from the left: a literal segment beats {@code {param}}, which beats the greedy {@code {proxy+}};
 * on equal paths an explicit method beats {@code ANY}. With no match, {@code $default} if defined.
 */
final class RouteMatcher {
    /** A matched route, the function that serves it and the decoded path parameters. */
    record Match(String functionId, RouteSpec route, Map<String, String> pathParameters) {
    }

    private record Candidate(String functionId, RouteSpec route, String[] segments) {
    }

    private final List<Candidate> candidates = new ArrayList<>();
    private Candidate defaultRoute;

    RouteMatcher(List<FunctionSpec> functions) {
        Map<String, String> owners = new HashMap<>();
        for (FunctionSpec function : functions) {
            for (RouteSpec route : function.routes()) {
                String previous = owners.putIfAbsent(route.routeKey(), function.logicalId());
                if (previous != null) {
                    throw new IllegalArgumentException("route " + route.routeKey() + " is declared by both "
                            + previous + " and " + function.logicalId());
                }
                if (route.isDefault()) {
                    defaultRoute = new Candidate(function.logicalId(), route, new String[0]);
                } else {
                    candidates.add(new Candidate(function.logicalId(), route, segments(route.path())));
                }
            }
        }
    }

    /** @param rawPath the request path as sent (percent-encoded), starting with {@code /} */
    Optional<Match> match(String method, String rawPath) {
        String[] requestSegments = segments(rawPath);
        for (int i = 0; i < requestSegments.length; i++) {
            requestSegments[i] = decodeSegment(requestSegments[i]);
        }
        Candidate best = null;
        Map<String, String> bestParameters = null;
        for (Candidate candidate : candidates) {
            if (!candidate.route.method().equals("ANY") && !candidate.route.method().equals(method)) {
                continue;
            }
            Map<String, String> parameters = bind(candidate.segments, requestSegments);
            if (parameters != null && (best == null || compare(candidate, best) > 0)) {
                best = candidate;
                bestParameters = parameters;
            }
        }
        if (best != null) {
            return Optional.of(new Match(best.functionId, best.route, Collections.unmodifiableMap(bestParameters)));
        }
        return Optional.ofNullable(defaultRoute).map(d -> new Match(d.functionId, d.route, Map.of()));
    }

    /** Path parameters if {@code template} matches {@code request}, else {@code null}. */
    private static Map<String, String> bind(String[] template, String[] request) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String segment = template[i];
            if (isGreedy(segment)) {
                if (i >= request.length) {
                    return null;
                }
                parameters.put(name(segment), String.join("/", Arrays.copyOfRange(request, i, request.length)));
                return parameters;
            }
            if (i >= request.length) {
                return null;
            }
            if (isParameter(segment)) {
                if (request[i].isEmpty()) {
                    return null;
                }
                parameters.put(name(segment), request[i]);
            } else if (!segment.equals(request[i])) {
                return null;
            }
        }
        return template.length == request.length ? parameters : null;
    }

    /** Positive when {@code a} is more specific than {@code b}. */
    private static int compare(Candidate a, Candidate b) {
        int length = Math.min(a.segments.length, b.segments.length);
        for (int i = 0; i < length; i++) {
            int diff = rank(a.segments[i]) - rank(b.segments[i]);
            if (diff != 0) {
                return diff;
            }
        }
        int methodDiff = (a.route.method().equals("ANY") ? 0 : 1) - (b.route.method().equals("ANY") ? 0 : 1);
        return methodDiff != 0 ? methodDiff : Integer.compare(a.segments.length, b.segments.length);
    }

    private static int rank(String segment) {
        return isGreedy(segment) ? 0 : isParameter(segment) ? 1 : 2;
    }

    private static boolean isParameter(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }

    private static boolean isGreedy(String segment) {
        return isParameter(segment) && segment.endsWith("+}");
    }

    private static String name(String segment) {
        return segment.substring(1, segment.length() - (isGreedy(segment) ? 2 : 1));
    }

    /** Percent-decodes one path segment; unlike form decoding, {@code +} stays {@code +}. */
    static String decodeSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return segment;
        }
    }

    /** {@code "/a/b/"} gives {@code ["a", "b", ""]}: a trailing slash is a different path, as in API Gateway. */
    private static String[] segments(String path) {
        String trimmed = Objects.requireNonNull(path).startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
    }
}
