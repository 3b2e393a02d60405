package dev.tollgate.http;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/** A response whose body is written while it is produced: status and headers first, then the body in pieces. */
public interface ResponseStream {

    /** Sends status and headers; called once, before any body byte. */
    void start(int status, Map<String, String> headers) throws IOException;

    boolean started();

    /** The body; flush it to deliver what was written so far. */
    OutputStream body();

    /** A header decided after the body began: kept when the response is buffered, dropped when it is streaming. */
    void lateHeader(String name, String value);

    /** Writes a whole buffered response. */
    default void write(ApiResponse response, String requestId) throws IOException {
        var event = response.toEvent(requestId);
        start(event.getStatusCode(), event.getHeaders());
        if (response.body() != null) {
            body().write(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        body().flush();
    }
}
