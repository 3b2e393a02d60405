package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.log.Redactor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Readers of upstream streams: Server-Sent Events (OpenAI, Anthropic, Gemini, MCP servers) and JSON lines (Ollama).
 */
public final class EventStreams {

    /** One event: its {@code event:} name (null when unnamed) and its {@code data:} parsed as JSON. */
    @FunctionalInterface
    public interface EventHandler {
        /** @return false to stop reading (the stream's end marker) */
        boolean on(String event, JsonNode data) throws IOException;
    }

    /** One event: its {@code event:} name (null when unnamed) and its {@code data:} lines, joined by newlines. */
    @FunctionalInterface
    public interface DataHandler {
        /** @return false to stop reading */
        boolean on(String event, String data) throws IOException;
    }

    private EventStreams() {
    }

    /**
     * Reads SSE events until the stream ends or the handler stops. Comments ({@code : keep-alive}) are skipped and a
     * {@code data: [DONE]} ends the stream.
     */
    public static void sse(InputStream in, EventHandler handler) throws IOException {
        events(in, (event, data) -> !data.equals("[DONE]") && handler.on(event, parse(data)));
    }

    /**
     * Reads SSE events until the stream ends or the handler stops, handing over each event's data as sent. Comments,
     * {@code id:} and {@code retry:} lines and events without data are skipped.
     */
    public static void events(InputStream in, DataHandler handler) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String event = null;
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data.length() > 0) {
                    String text = data.toString();
                    data.setLength(0);
                    if (!handler.on(event, text)) {
                        return;
                    }
                }
                event = null;
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
            } else if (line.startsWith("event:")) {
                event = line.substring(6).trim();
            }
        }
        if (data.length() > 0) {
            handler.on(event, data.toString());
        }
    }

    /** Reads one JSON object per non-blank line until the stream ends or the handler stops. */
    public static void jsonLines(InputStream in, EventHandler handler) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.isBlank() && !handler.on(null, parse(line))) {
                return;
            }
        }
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = Json.read(text);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
            // below
        }
        throw new TollgateException(ErrorCode.UPSTREAM_ERROR, "The provider's stream carried an event that is not a "
                + "JSON object; the call was stopped and nothing was charged");
    }

    /** A provider's in-stream error event, as the error the caller gets. */
    public static TollgateException streamError(String provider, JsonNode event) {
        String message = event.path("error").path("message").asText(event.path("message").asText("no message"));
        return new TollgateException(ErrorCode.UPSTREAM_ERROR, provider + " reported an error during the stream ("
                + Redactor.redact(message.length() > 300 ? message.substring(0, 300) : message)
                + "); nothing was charged");
    }
}
