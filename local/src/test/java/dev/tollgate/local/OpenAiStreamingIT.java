package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.RepoRoot;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/chat/completions} over HTTP against a stub OpenAI whose stream the test controls: chunks reach the client
 * while the provider is still generating (the stub holds back the rest until the client has the first chunk), a
 * stream that breaks releases the hold, a provider failure before the first byte is an OpenAI-shaped error, hostile
 * requests are typed 4xx errors, and an Idempotency-Key replays whole and streamed answers without a second charge.
 * Time to first byte through the local runner is printed next to the stub's own.
 */
class OpenAiStreamingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PLATFORM_OPENAI = "sk-proj-platPLATplatPLATplat000001";
    private static final String PLATFORM_ANTHROPIC = "sk-ant-api03-platPLATplatPLATplatPLATplatPLAT0001";
    private static final long CREDIT = Credits.MICROS_PER_CREDIT;

    private static HttpServer stub;
    private static LocalTollgate tollgate;
    private static String base;
    /** Opened by the test once its client holds the first chunk; the stub sends the rest only then. */
    private static volatile CountDownLatch firstChunkSeen = new CountDownLatch(1);
    private static final AtomicBoolean stubGaveUpWaiting = new AtomicBoolean();

    @BeforeAll
    static void start() throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        stub.setExecutor(Executors.newFixedThreadPool(4));
        stub.createContext("/openai/v1/chat/completions", OpenAiStreamingIT::openai);
        stub.start();
        String url = "http://127.0.0.1:" + stub.getAddress().getPort();
        tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(Map.of(
                "TOLLGATE_UPSTREAM_OPENAI_URL", url + "/openai",
                "TOLLGATE_PLATFORM_KEY_OPENAI", PLATFORM_OPENAI,
                "TOLLGATE_PLATFORM_KEY_ANTHROPIC", PLATFORM_ANTHROPIC)));
        base = tollgate.baseUrl().toString().replaceAll("/$", "");
    }

    @AfterAll
    static void stop() {
        try {
            tollgate.close();
        } finally {
            stub.stop(0);
        }
    }

    /**
     * gpt-4o streams and waits for the test between its first and second chunk; gpt-4o-mini breaks off after one
     * chunk; gpt-4o-2024-08-06 fails with 503 before any byte; without stream, a whole completion.
     */
    private static void openai(HttpExchange exchange) throws IOException {
        JsonNode in = JSON.readTree(exchange.getRequestBody());
        String model = in.path("model").asText();
        String head = "{\"id\":\"chatcmpl-stub\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"" + model + "\",";
        if (!in.path("stream").asBoolean(false)) {
            send(exchange, 200, "application/json", "{\"id\":\"chatcmpl-stub\",\"object\":\"chat.completion\",\"created\":1,"
                    + "\"model\":\"" + model + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                    + "\"Whole answer.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":3}}");
            return;
        }
        if (model.equals("gpt-4o-2024-08-06")) {
            send(exchange, 503, "application/json", "{\"error\":{\"message\":\"The server is overloaded\"}}");
            return;
        }
        if (!in.path("stream_options").path("include_usage").asBoolean(false)) {
            send(exchange, 400, "application/json", "{\"error\":{\"message\":\"Tollgate must ask for usage\"}}");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        event(out, head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"First\"},\"finish_reason\":null}]}");
        if (model.equals("gpt-4o-mini")) {
            out.write("data: {\"id\":\"chatcmpl-stub\",\"cho".getBytes(StandardCharsets.UTF_8));
            out.flush();
            exchange.close();
            return;
        }
        try {
            stubGaveUpWaiting.set(!firstChunkSeen.await(20, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        event(out, head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" and the rest.\"},\"finish_reason\":null}]}");
        event(out, head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        event(out, head + "\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":4,\"total_tokens\":34}}");
        event(out, "[DONE]");
        out.close();
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String customer() {
        return tollgate.person("openai-streaming", Plan.PRO, 100 * CREDIT).apiKey();
    }

    private static HttpRequest.Builder chat(String token, String body) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String streamed(String model) {
        return "{\"model\":\"openai/" + model + "\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me\"}]}";
    }

    @Test
    void chunksReachTheClientWhileTheProviderIsStillGeneratingAndTheCallIsChargedExactly() throws Exception {
        String token = customer();
        long before = balance(token);
        firstChunkSeen = new CountDownLatch(1);
        stubGaveUpWaiting.set(false);
        long sent = System.nanoTime();
        HttpResponse<InputStream> response = HTTP.send(chat(token, streamed("gpt-4o")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertEquals("credits", response.headers().firstValue("x-tollgate-billing-mode").orElseThrow());
        List<String> events = new ArrayList<>();
        long firstByteNanos;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String first = nextData(reader);
            firstByteNanos = System.nanoTime() - sent;
            events.add(first);
            firstChunkSeen.countDown();
            for (String data = nextData(reader); data != null; data = nextData(reader)) {
                events.add(data);
            }
        }
        assertFalse(stubGaveUpWaiting.get(), "the first chunk reached the client while the provider was still generating");
        assertTrue(events.get(0).contains("\"content\":\"First\""), events.get(0));
        assertEquals("[DONE]", events.get(events.size() - 1));
        JsonNode usage = JSON.readTree(events.get(events.size() - 2));
        assertEquals(0, usage.path("choices").size());
        assertEquals(30, usage.at("/usage/prompt_tokens").asInt());
        // gpt-4o: 2.5 credits per 1K input, 10 per 1K output → 30 × 2500 µcr + 4 × 10000 µcr
        assertEquals(before - 75_000 - 40_000, balance(token));
        assertEquals(0, held(token));
        System.out.printf("time to first byte through ./tollgate local: %.1f ms (first streamed call of this JVM), "
                        + "%.1f ms warm; directly from the stub: %.1f ms%n", firstByteNanos / 1e6,
                warmTimeToFirstByte(token) / 1e6, directTimeToFirstByte() / 1e6);
    }

    /** A second streamed call through Tollgate, its chunks released at once: the gateway's own share of the wait. */
    private static long warmTimeToFirstByte(String token) throws Exception {
        return timeToFirstByte(chat(token, streamed("gpt-4o")).build());
    }

    /** The stub's own time to first streamed byte, without Tollgate. */
    private static long directTimeToFirstByte() throws Exception {
        String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}";
        return timeToFirstByte(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stub.getAddress().getPort()
                + "/openai/v1/chat/completions")).header("Authorization", "Bearer " + PLATFORM_OPENAI)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Nanoseconds from sending to the first body byte, with the stub releasing its chunks at once. */
    private static long timeToFirstByte(HttpRequest request) throws Exception {
        firstChunkSeen = new CountDownLatch(0);
        long sent = System.nanoTime();
        HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            in.read();
            long elapsed = System.nanoTime() - sent;
            in.readAllBytes();
            return elapsed;
        }
    }

    @Test
    void aStreamThatBreaksReleasesTheHoldAndEndsWithAnErrorEvent() throws Exception {
        String token = customer();
        long before = balance(token);
        HttpResponse<String> response = HTTP.send(chat(token, streamed("gpt-4o-mini")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "the stream had started");
        assertTrue(response.body().contains("\"content\":\"First\""), response.body());
        assertTrue(response.body().contains("\"code\":\"upstream_error\""), response.body());
        assertFalse(response.body().contains("[DONE]"));
        assertEquals(before, balance(token), "nothing charged");
        assertEquals(0, held(token), "the hold was released");
    }

    @Test
    void aProviderFailureBeforeTheFirstByteIsAnOpenAiErrorAndNothingIsCharged() throws Exception {
        String token = customer();
        long before = balance(token);
        HttpResponse<String> response = HTTP.send(chat(token, streamed("gpt-4o-2024-08-06")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(502, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertEquals("upstream_error", error.path("code").asText());
        assertEquals("api_error", error.path("type").asText());
        assertEquals(before, balance(token));
        assertEquals(0, held(token));
    }

    @Test
    void hostileRequestsAreTypedOpenAiErrorsAndNeverServerErrors() throws Exception {
        String token = customer();
        Map<String, String> cases = Map.of(
                "{\"model\":", "invalid_json",
                "[1,2]", "invalid_json",
                "{\"model\":\"nobody/x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model_not_found",
                "{\"model\":\"anthropic/claude-sonnet-4\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "validation_failed",
                "{\"model\":\"openai/gpt-4o\",\"max_tokens\":1e30,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "validation_failed",
                "{\"model\":\"openai/gpt-4o\",\"stream\":true,\"stream_options\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "validation_failed",
                "{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":{\"a\":1}}]}", "validation_failed",
                "{\"model\":\"openai/made-up\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model_not_priced");
        long before = balance(token);
        for (Map.Entry<String, String> c : cases.entrySet()) {
            HttpResponse<String> response = HTTP.send(chat(token, c.getKey()).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(response.statusCode() >= 400 && response.statusCode() < 500, c.getKey() + " -> " + response.statusCode());
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertEquals(c.getValue(), error.path("code").asText(), c.getKey() + " -> " + response.body());
            assertEquals("invalid_request_error", error.path("type").asText());
            assertTrue(error.has("message") && error.has("param"), response.body());
        }
        assertEquals(before, balance(token));
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertEquals("authentication_error", JSON.readTree(anonymous.body()).at("/error/type").asText());
        assertTrue(anonymous.headers().firstValue("www-authenticate").isPresent());
    }

    @Test
    void anIdempotencyKeyReplaysWholeAndStreamedAnswersWithoutASecondCharge() throws Exception {
        String token = customer();
        long before = balance(token);
        String whole = "{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}]}";
        HttpResponse<String> first = HTTP.send(chat(token, whole).header("Idempotency-Key", "once-1").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> again = HTTP.send(chat(token, whole).header("Idempotency-Key", "once-1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, again.statusCode(), again.body());
        assertEquals("true", again.headers().firstValue("idempotent-replayed").orElseThrow());
        assertEquals(JSON.readTree(first.body()).at("/choices/0/message"), JSON.readTree(again.body()).at("/choices/0/message"));
        long charged = before - balance(token);
        // 20 × 2500 µcr + 3 × 10000 µcr, once
        assertEquals(80_000, charged);

        HttpResponse<String> reused = HTTP.send(chat(token, whole.replace("Once", "Twice"))
                .header("Idempotency-Key", "once-1").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(422, reused.statusCode());
        assertEquals("idempotency_key_reused", JSON.readTree(reused.body()).at("/error/code").asText());

        firstChunkSeen = new CountDownLatch(0);
        String stream = streamed("gpt-4o");
        HttpResponse<String> live = HTTP.send(chat(token, stream).header("Idempotency-Key", "stream-1").build(),
                HttpResponse.BodyHandlers.ofString());
        long afterStream = balance(token);
        HttpResponse<String> replay = HTTP.send(chat(token, stream).header("Idempotency-Key", "stream-1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, replay.statusCode());
        assertEquals("true", replay.headers().firstValue("idempotent-replayed").orElseThrow());
        assertTrue(replay.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertTrue(live.body().contains("[DONE]") && replay.body().contains("[DONE]"));
        assertTrue(replay.body().contains("First and the rest."), replay.body());
        assertTrue(replay.body().contains("\"prompt_tokens\":30"), "the usage chunk is replayed too");
        assertEquals(afterStream, balance(token), "a replay is not charged");
    }

    @Test
    void theContractIsServedWithoutAToken() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/openapi.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        JsonNode doc = JSON.readTree(response.body());
        assertEquals("3.1.0", doc.path("openapi").asText());
        assertTrue(doc.at("/paths/~1v1~1chat~1completions/post").isObject());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The next {@code data:} payload of an SSE stream, or null at its end. */
    private static String nextData(BufferedReader reader) throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("data: ")) {
                return line.substring(6);
            }
        }
        return null;
    }

    private static long micros(String credits) {
        return new BigDecimal(credits).movePointRight(6).longValueExact();
    }

    private static JsonNode key(String token) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/key"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static long balance(String token) throws Exception {
        return micros(key(token).path("credits_remaining").asText());
    }

    private static long held(String token) throws Exception {
        return micros(key(token).path("credits_held").asText());
    }
}
