package dev.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streamed response collected whole, for API Gateway's buffered integration: the client gets it in one piece, with
 * the headers decided at the end (billing) included.
 */
public final class BufferedResponseStream implements ResponseStream {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private int status;
    private boolean started;

    @Override
    public void start(int statusCode, Map<String, String> startHeaders) {
        started = true;
        status = statusCode;
        headers.putAll(startHeaders);
    }

    @Override
    public boolean started() {
        return started;
    }

    @Override
    public OutputStream body() {
        return body;
    }

    @Override
    public void lateHeader(String name, String value) {
        headers.put(name, value);
    }

    public APIGatewayV2HTTPResponse toEvent() {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(body.toString(StandardCharsets.UTF_8))
                .withIsBase64Encoded(false)
                .build();
    }
}
