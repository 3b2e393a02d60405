package dev.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.json.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a route returns: status, extra headers, and a JSON body (or none). */
public record ApiResponse(int status, Map<String, String> headers, String body) {

    public static ApiResponse json(int status, Object body) {
        return new ApiResponse(status, Map.of(), Json.write(body));
    }

    public static ApiResponse ok(Object body) {
        return json(200, body);
    }

    public static ApiResponse created(Object body) {
        return json(201, body);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, Map.of(), null);
    }

    public ApiResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new ApiResponse(status, copy, body);
    }

    APIGatewayV2HTTPResponse toEvent(String requestId) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body != null) {
            out.put("Content-Type", "application/json");
        }
        out.put("X-Request-Id", requestId);
        out.putAll(headers);
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(out)
                .withBody(body == null ? "" : body)
                .withIsBase64Encoded(false)
                .build();
    }
}
