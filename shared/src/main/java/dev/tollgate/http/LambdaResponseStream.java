package dev.tollgate.http;

import dev.tollgate.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lambda's HTTP integration response stream ({@code application/vnd.awslambda.http-integration-response}), as a
 * Function URL in {@code RESPONSE_STREAM} mode reads it: a JSON prelude with {@code statusCode} and {@code headers},
 * eight NUL bytes, then the body as it is written. The local runner's API Gateway emulator reads the same format, so
 * a streamed chat completion reaches the client chunk by chunk (docs/DEPLOY.md).
 */
public final class LambdaResponseStream implements ResponseStream {
    private static final byte[] DELIMITER = new byte[8];

    private final OutputStream out;
    private boolean started;

    public LambdaResponseStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void start(int status, Map<String, String> headers) throws IOException {
        if (started) {
            throw new IllegalStateException("response already started");
        }
        started = true;
        Map<String, Object> prelude = new LinkedHashMap<>();
        prelude.put("statusCode", status);
        prelude.put("headers", headers);
        out.write(Json.write(prelude).getBytes(StandardCharsets.UTF_8));
        out.write(DELIMITER);
        out.flush();
    }

    @Override
    public boolean started() {
        return started;
    }

    @Override
    public OutputStream body() {
        return out;
    }

    @Override
    public void lateHeader(String name, String value) {
        // The headers are on the wire already.
    }
}
