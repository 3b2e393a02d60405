package dev.tollgate.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.catalog.AuthStyle;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fake providers for {@code ./tollgate local --mock-upstreams} (SPEC 11.1), so the demo works offline. One loopback
 * HTTP server answers for every catalog provider under {@code /<provider id>/…} (the runner points each
 * {@code TOLLGATE_UPSTREAM_<ID>_URL} there) with realistic bodies — token usage included, derived from the request
 * so that it stays within the hold — and a second one plays a customer's Ollama server at its root (an Ollama key
 * is a bare base URL). A key containing {@code invalid} (or no key) gets that provider's real-looking 401. The mock
 * checks the credential where the catalog's auth style puts it, so a wrong auth style fails here as it would upstream.
 *
 * <p>Part of the local runner only; nothing in the product depends on it.
 */
public final class MockUpstreams implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fake keys in each provider's real format, registered as platform keys or usable as BYOK keys. */
    static final Map<String, String> FAKE_KEYS = Map.ofEntries(
            Map.entry("openai", "sk-proj-mockMOCKmockMOCKmock0000000001"),
            Map.entry("anthropic", "sk-ant-api03-mockMOCKmockMOCKmockMOCKmockMOCK0001"),
            Map.entry("gemini", "AIzaSyMOCK-mock_MOCKmockMOCK01234567890"),
            Map.entry("openrouter", "sk-or-v1-" + "0123456789abcdef".repeat(4)),
            Map.entry("stripe", "sk_test_mockMOCKmockMOCKmockMOCK0001"),
            Map.entry("twilio", "AC" + "0123456789abcdef".repeat(2) + ":" + "mockMOCKmockMOCKmockMOCKmockMOCK"),
            Map.entry("resend", "re_mockMOCKmockMOCKmock0001"),
            Map.entry("tavily", "tvly-mockMOCKmockMOCKmock0001"),
            Map.entry("exa", "00000000-0000-4000-8000-00000000mock".replace("mock", "0001")),
            Map.entry("firecrawl", "fc-mockMOCKmockMOCKmock0001"),
            Map.entry("elevenlabs", "sk_" + "mockMOCK".repeat(5)),
            Map.entry("browserbase", "bb_live_mockMOCKmockMOCKmock0001"));

    private final ProviderCatalog catalog;
    private final HttpServer providers;
    private final HttpServer ollama;
    private final ExecutorService threads = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "mock-upstream");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong ids = new AtomicLong(1000);

    private MockUpstreams(ProviderCatalog catalog) throws IOException {
        this.catalog = catalog;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        providers = HttpServer.create(new InetSocketAddress(loopback, 0), 64);
        providers.createContext("/", this::provider);
        providers.setExecutor(threads);
        ollama = HttpServer.create(new InetSocketAddress(loopback, 0), 64);
        ollama.createContext("/", exchange -> respond(exchange, "ollama", exchange.getRequestURI().getPath()));
        ollama.setExecutor(threads);
        providers.start();
        ollama.start();
    }

    /** Starts both servers on free loopback ports. */
    public static MockUpstreams start(ProviderCatalog catalog) {
        try {
            return new MockUpstreams(catalog);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the mock upstreams", e);
        }
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + providers.getAddress().getPort());
    }

    /** What to register as an Ollama key: this mock's Ollama server. */
    public String ollamaUrl() {
        return "http://127.0.0.1:" + ollama.getAddress().getPort();
    }

    /** {@code TOLLGATE_UPSTREAM_<ID>_URL} for every provider with a base URL. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Provider p : catalog.providers()) {
            if (p.baseUrl().isPresent()) {
                env.put(Provider.baseUrlVariable(p.id()), baseUri() + "/" + p.id());
            }
        }
        return env;
    }

    /** A fake platform key for every provider that offers credits and whose format this mock knows. */
    public Map<String, String> platformKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (Provider p : catalog.creditProviders()) {
            String key = FAKE_KEYS.get(p.id());
            if (key != null && p.acceptsKey(key)) {
                keys.put(p.id(), key);
            }
        }
        return keys;
    }

    /**
     * Registers {@link #platformKeys()} through the operator API of a running Tollgate
     * ({@code PUT /admin/v1/platform-keys/{provider}}), as an operator would. Returns the HTTP status per provider.
     */
    public Map<String, Integer> registerPlatformKeys(URI tollgate, String adminToken) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        String base = tollgate.toString().replaceAll("/$", "");
        platformKeys().forEach((provider, key) -> {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/admin/v1/platform-keys/" + provider))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + adminToken)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(new String(json(Map.of("api_key", key)), StandardCharsets.UTF_8)))
                    .build();
            try {
                statuses.put(provider, http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
            } catch (IOException e) {
                statuses.put(provider, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                statuses.put(provider, -1);
            }
        });
        return statuses;
    }

    private void provider(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        int slash = path.indexOf('/', 1);
        String id = slash < 0 ? path.substring(1) : path.substring(1, slash);
        respond(exchange, id, slash < 0 ? "/" : path.substring(slash));
    }

    private void respond(HttpExchange exchange, String providerId, String path) throws IOException {
        try (exchange) {
            Provider provider = catalog.provider(providerId).orElse(null);
            byte[] requestBody = readBody(exchange.getRequestBody());
            if (provider == null) {
                send(exchange, 404, json(Map.of("error", "no mock provider '" + providerId + "'")));
                return;
            }
            if (provider.auth().needsSecret() && provider.auth().kind() != AuthStyle.Kind.BASE_URL) {
                String credential = credential(exchange, provider.auth());
                if (credential == null || credential.toLowerCase(Locale.ROOT).contains("invalid")) {
                    send(exchange, 401, unauthorized(providerId));
                    return;
                }
            }
            JsonNode input = parseInput(exchange, requestBody);
            boolean geminiStream = path.endsWith(":streamGenerateContent");
            String answered = geminiStream ? path.replace(":streamGenerateContent", ":generateContent") : path;
            Reply reply = answer(providerId, exchange.getRequestMethod(), answered, input, requestBody.length);
            if (reply.status() == 200 && (geminiStream || input.path("stream").asBoolean(false))) {
                stream(exchange, providerId, input, JSON.readTree(reply.body()));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), reply.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply.body());
            }
        }
    }

    private record Reply(int status, String contentType, byte[] body) {
    }

    /**
     * The answer as the provider streams it, one event per flush: OpenAI/OpenRouter chunks (with the usage chunk when
     * {@code stream_options.include_usage} asks), Anthropic's message events, Gemini's {@code alt=sse} responses, and
     * Ollama's JSON lines. The text goes out a few words at a time.
     */
    private void stream(HttpExchange exchange, String provider, JsonNode in, JsonNode whole) throws IOException {
        boolean jsonLines = provider.equals("ollama");
        exchange.getResponseHeaders().set("Content-Type", jsonLines ? "application/x-ndjson" : "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            for (String event : events(provider, in, whole)) {
                out.write((jsonLines ? event + "\n" : event + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    private static java.util.List<String> events(String provider, JsonNode in, JsonNode whole) {
        java.util.List<String> events = new java.util.ArrayList<>();
        switch (provider) {
            case "anthropic" -> {
                ObjectNode start = ((ObjectNode) whole).deepCopy();
                start.putArray("content");
                start.putNull("stop_reason");
                ((ObjectNode) start.get("usage")).put("output_tokens", 1);
                events.add(sse("message_start", JSON.createObjectNode().put("type", "message_start").set("message", start)));
                int index = 0;
                for (JsonNode block : whole.path("content")) {
                    ObjectNode opened = ((ObjectNode) block).deepCopy();
                    boolean text = block.path("type").asText().equals("text");
                    if (text) {
                        opened.put("text", "");
                    } else {
                        opened.putObject("input");
                    }
                    events.add(sse("content_block_start", JSON.createObjectNode().put("type", "content_block_start")
                            .put("index", index).set("content_block", opened)));
                    for (String piece : text ? pieces(block.path("text").asText()) : java.util.List.of(jsonText(block.get("input")))) {
                        ObjectNode delta = JSON.createObjectNode();
                        if (text) {
                            delta.put("type", "text_delta").put("text", piece);
                        } else {
                            delta.put("type", "input_json_delta").put("partial_json", piece);
                        }
                        events.add(sse("content_block_delta", JSON.createObjectNode().put("type", "content_block_delta")
                                .put("index", index).set("delta", delta)));
                    }
                    events.add(sse("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", index)));
                    index++;
                }
                ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
                delta.putObject("delta").put("stop_reason", whole.path("stop_reason").asText()).putNull("stop_sequence");
                delta.putObject("usage").put("output_tokens", whole.path("usage").path("output_tokens").asLong());
                events.add(sse("message_delta", delta));
                events.add(sse("message_stop", JSON.createObjectNode().put("type", "message_stop")));
            }
            case "gemini" -> {
                JsonNode parts = whole.path("candidates").path(0).path("content").path("parts");
                java.util.List<JsonNode> pieces = new java.util.ArrayList<>();
                for (JsonNode part : parts) {
                    if (part.has("text")) {
                        pieces(part.path("text").asText()).forEach(p -> pieces.add(JSON.createObjectNode().put("text", p)));
                    } else {
                        pieces.add(part);
                    }
                }
                for (int i = 0; i < pieces.size(); i++) {
                    ObjectNode response = JSON.createObjectNode();
                    ObjectNode candidate = response.putArray("candidates").addObject();
                    candidate.putObject("content").put("role", "model").putArray("parts").add(pieces.get(i));
                    candidate.put("index", 0);
                    boolean last = i == pieces.size() - 1;
                    if (last) {
                        candidate.put("finishReason", "STOP");
                        response.set("usageMetadata", whole.get("usageMetadata"));
                    } else {
                        response.putObject("usageMetadata").put("promptTokenCount",
                                whole.path("usageMetadata").path("promptTokenCount").asLong());
                    }
                    response.set("modelVersion", whole.get("modelVersion"));
                    events.add("data: " + jsonText(response));
                }
            }
            case "ollama" -> {
                for (String piece : pieces(whole.path("message").path("content").asText())) {
                    ObjectNode line = JSON.createObjectNode().put("model", whole.path("model").asText())
                            .put("created_at", whole.path("created_at").asText()).put("done", false);
                    line.putObject("message").put("role", "assistant").put("content", piece);
                    events.add(jsonText(line));
                }
                ObjectNode last = ((ObjectNode) whole).deepCopy();
                ((ObjectNode) last.get("message")).put("content", "");
                last.put("done_reason", "stop");
                events.add(jsonText(last));
            }
            default -> {
                ObjectNode head = JSON.createObjectNode().put("id", whole.path("id").asText()).put("object", "chat.completion.chunk")
                        .put("created", whole.path("created").asLong()).put("model", whole.path("model").asText());
                JsonNode message = whole.path("choices").path(0).path("message");
                ObjectNode first = head.deepCopy();
                ObjectNode firstChoice = first.putArray("choices").addObject().put("index", 0);
                firstChoice.putObject("delta").put("role", "assistant").put("content", "");
                firstChoice.putNull("finish_reason");
                events.add("data: " + jsonText(first));
                for (String piece : pieces(message.path("content").asText(""))) {
                    ObjectNode chunk = head.deepCopy();
                    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                    choice.putObject("delta").put("content", piece);
                    choice.putNull("finish_reason");
                    events.add("data: " + jsonText(chunk));
                }
                int callIndex = 0;
                for (JsonNode call : message.path("tool_calls")) {
                    ObjectNode chunk = head.deepCopy();
                    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                    ObjectNode delta = ((ObjectNode) call).deepCopy().put("index", callIndex++);
                    choice.putObject("delta").putArray("tool_calls").add(delta);
                    choice.putNull("finish_reason");
                    events.add("data: " + jsonText(chunk));
                }
                ObjectNode last = head.deepCopy();
                ObjectNode lastChoice = last.putArray("choices").addObject().put("index", 0);
                lastChoice.putObject("delta");
                lastChoice.put("finish_reason", whole.path("choices").path(0).path("finish_reason").asText("stop"));
                events.add("data: " + jsonText(last));
                if (in.path("stream_options").path("include_usage").asBoolean(false)) {
                    ObjectNode usage = head.deepCopy();
                    usage.putArray("choices");
                    usage.set("usage", whole.get("usage"));
                    events.add("data: " + jsonText(usage));
                }
                events.add("data: [DONE]");
            }
        }
        return events;
    }

    private static String sse(String event, JsonNode data) {
        return "event: " + event + "\ndata: " + jsonText(data);
    }

    /** Text in pieces of about two words, as models stream it. */
    private static java.util.List<String> pieces(String text) {
        java.util.List<String> pieces = new java.util.ArrayList<>();
        String[] words = text.split("(?<= )");
        for (int i = 0; i < words.length; i += 2) {
            pieces.add(words[i] + (i + 1 < words.length ? words[i + 1] : ""));
        }
        return pieces;
    }

    private static String credential(HttpExchange exchange, AuthStyle auth) {
        var headers = exchange.getRequestHeaders();
        return switch (auth.kind()) {
            case BEARER -> {
                String h = headers.getFirst("Authorization");
                yield h != null && h.startsWith("Bearer ") ? h.substring(7) : null;
            }
            case BASIC -> {
                String h = headers.getFirst("Authorization");
                yield h != null && h.startsWith("Basic ")
                        ? new String(Base64.getDecoder().decode(h.substring(6)), StandardCharsets.UTF_8) : null;
            }
            case HEADER -> headers.getFirst(auth.parameter().orElseThrow());
            case QUERY -> query(exchange.getRequestURI().getRawQuery()).get(auth.parameter().orElseThrow());
            default -> null;
        };
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(name, value);
        }
        return out;
    }

    /** JSON body, form body, or query string, as one object. */
    private static JsonNode parseInput(HttpExchange exchange, byte[] body) {
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        ObjectNode input = JSON.createObjectNode();
        if (type.startsWith("application/json") && body.length > 0) {
            try {
                JsonNode node = JSON.readTree(body);
                return node == null ? input : node;
            } catch (IOException e) {
                return input;
            }
        }
        String form = type.startsWith("application/x-www-form-urlencoded")
                ? new String(body, StandardCharsets.UTF_8) : exchange.getRequestURI().getRawQuery();
        query(form).forEach(input::put);
        return input;
    }

    private Reply answer(String provider, String method, String path, JsonNode in, int requestBytes) {
        // Usage within what Tollgate reserved: input estimated below its 4-bytes-per-token hold heuristic, output
        // within the forwarded cap.
        long promptTokens = Math.max(1, requestBytes / 6);
        String model = in.path("model").asText("mock-model");
        return switch (provider + " " + method + " " + route(path)) {
            case "openai POST /v1/chat/completions", "openrouter POST /api/v1/chat/completions" -> {
                long out = completion(in, "max_completion_tokens", "max_tokens");
                ObjectNode r = JSON.createObjectNode();
                r.put("id", "chatcmpl-mock" + ids.incrementAndGet());
                r.put("object", "chat.completion");
                r.put("created", System.currentTimeMillis() / 1000);
                r.put("model", model);
                ObjectNode choice = r.putArray("choices").addObject();
                choice.put("index", 0);
                ObjectNode call = toolCall(in, in.path("tools"), "function", "parameters");
                if (call != null) {
                    ObjectNode message = choice.putObject("message").put("role", "assistant").putNull("content");
                    message.putArray("tool_calls").addObject().put("id", "call_mock" + ids.incrementAndGet())
                            .put("type", "function").putObject("function").put("name", call.path("name").asText())
                            .put("arguments", jsonText(call.get("arguments")));
                    choice.put("finish_reason", "tool_calls");
                } else {
                    choice.putObject("message").put("role", "assistant")
                            .put("content", "Hello from the mock " + provider + " (" + model + ").");
                    choice.put("finish_reason", "stop");
                }
                r.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", out)
                        .put("total_tokens", promptTokens + out);
                yield ok(r);
            }
            case "openai POST /v1/embeddings" -> {
                ObjectNode r = JSON.createObjectNode();
                r.put("object", "list");
                ArrayNode data = r.putArray("data");
                int count = in.path("input").isArray() ? in.path("input").size() : 1;
                for (int i = 0; i < count; i++) {
                    ObjectNode e = data.addObject().put("object", "embedding").put("index", i);
                    ArrayNode vector = e.putArray("embedding");
                    for (int d = 0; d < 8; d++) {
                        vector.add(Math.round(Math.sin(i + d) * 10_000) / 10_000.0);
                    }
                }
                r.put("model", model);
                r.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens);
                yield ok(r);
            }
            case "anthropic POST /v1/messages" -> {
                long out = completion(in, "max_tokens");
                ObjectNode r = JSON.createObjectNode();
                r.put("id", "msg_mock" + ids.incrementAndGet());
                r.put("type", "message");
                r.put("role", "assistant");
                r.put("model", model);
                ObjectNode call = toolCall(in, in.path("tools"), null, "input_schema");
                if (call != null) {
                    r.putArray("content").addObject().put("type", "tool_use").put("id", "toolu_mock" + ids.incrementAndGet())
                            .put("name", call.path("name").asText()).set("input", call.get("arguments"));
                    r.put("stop_reason", "tool_use");
                } else {
                    r.putArray("content").addObject().put("type", "text").put("text", "Hello from the mock Claude.");
                    r.put("stop_reason", "end_turn");
                }
                r.putObject("usage").put("input_tokens", promptTokens).put("cache_creation_input_tokens", 0)
                        .put("cache_read_input_tokens", 0).put("output_tokens", out);
                yield ok(r);
            }
            case "gemini POST /v1beta/models/*" -> {
                long out = Math.min(12, in.path("generationConfig").path("maxOutputTokens").asLong(12));
                ObjectNode r = JSON.createObjectNode();
                ObjectNode candidate = r.putArray("candidates").addObject();
                JsonNode declarations = in.path("tools").path(0).path("functionDeclarations");
                ObjectNode call = toolCall(in, declarations, null, "parameters");
                ArrayNode geminiParts = candidate.putObject("content").put("role", "model").putArray("parts");
                if (call != null) {
                    geminiParts.addObject().putObject("functionCall").put("name", call.path("name").asText())
                            .set("args", call.get("arguments"));
                } else {
                    geminiParts.addObject().put("text", "Hello from the mock Gemini.");
                }
                candidate.put("finishReason", "STOP");
                r.putObject("usageMetadata").put("promptTokenCount", promptTokens).put("candidatesTokenCount", out)
                        .put("totalTokenCount", promptTokens + out);
                r.put("modelVersion", path.substring(path.lastIndexOf('/') + 1).replace(":generateContent", ""));
                yield ok(r);
            }
            case "ollama POST /api/chat" -> {
                ObjectNode r = JSON.createObjectNode();
                r.put("model", model);
                r.put("created_at", java.time.Instant.now().toString());
                r.putObject("message").put("role", "assistant").put("content", "Hello from the mock Ollama.");
                r.put("done", true);
                r.put("prompt_eval_count", promptTokens);
                r.put("eval_count", 9);
                yield ok(r);
            }
            case "ollama GET /api/tags" -> ok(JSON.createObjectNode().set("models", JSON.createArrayNode()
                    .add(JSON.createObjectNode().put("name", "llama3.2:latest"))));
            case "stripe GET /v1/customers" -> {
                ObjectNode r = JSON.createObjectNode().put("object", "list").put("url", "/v1/customers").put("has_more", false);
                r.putArray("data").addObject().put("id", "cus_mock1").put("object", "customer")
                        .put("email", in.path("email").asText("jenny@example.com")).put("name", "Jenny Rosen");
                yield ok(r);
            }
            case "stripe POST /v1/payment_links" -> ok(JSON.createObjectNode().put("id", "plink_mock" + ids.incrementAndGet())
                    .put("object", "payment_link").put("active", true).put("url", "https://buy.stripe.com/test_mock"));
            case "stripe GET /v1/balance" -> ok(JSON.createObjectNode().put("object", "balance").put("livemode", false));
            case "twilio POST /2010-04-01/Accounts/*" -> ok(JSON.createObjectNode().put("sid", "SM" + UUID.randomUUID()
                    .toString().replace("-", "")).put("status", "queued").put("to", in.path("To").asText())
                    .put("from", in.path("From").asText(null)).put("body", in.path("Body").asText()));
            case "twilio GET /2010-04-01/Accounts/*" -> ok(JSON.createObjectNode().put("status", "active"));
            case "resend POST /emails" -> ok(JSON.createObjectNode().put("id", UUID.randomUUID().toString()));
            case "resend GET /domains" -> ok(JSON.createObjectNode().set("data", JSON.createArrayNode()));
            case "tavily POST /search" -> {
                ObjectNode r = JSON.createObjectNode().put("query", in.path("query").asText());
                r.putArray("results").addObject().put("title", "Mock result for " + in.path("query").asText())
                        .put("url", "https://example.com/mock").put("content", "A mock search result.").put("score", 0.9);
                r.put("response_time", 0.01);
                yield ok(r);
            }
            case "tavily GET /usage", "firecrawl GET /v1/team/credit-usage", "elevenlabs GET /v1/user",
                 "browserbase GET /v1/projects", "openai GET /v1/models", "anthropic GET /v1/models",
                 "gemini GET /v1beta/models", "openrouter GET /api/v1/key" -> ok(JSON.createObjectNode().put("ok", true));
            case "exa POST /search" -> {
                ObjectNode r = JSON.createObjectNode().put("requestId", "mock" + ids.incrementAndGet());
                r.putArray("results").addObject().put("title", "Mock page about " + in.path("query").asText())
                        .put("url", "https://example.org/mock").put("score", 0.8);
                yield ok(r);
            }
            case "firecrawl POST /v1/scrape" -> {
                ObjectNode r = JSON.createObjectNode().put("success", true);
                r.putObject("data").put("markdown", "# Mock page\n\nScraped from " + in.path("url").asText() + ".")
                        .putObject("metadata").put("statusCode", 200).put("sourceURL", in.path("url").asText());
                yield ok(r);
            }
            case "elevenlabs POST /v1/text-to-speech/*" -> new Reply(200, "audio/mpeg",
                    ("ID3\u0004mock-audio:" + in.path("text").asText()).getBytes(StandardCharsets.UTF_8));
            case "browserbase POST /v1/sessions" -> ok(JSON.createObjectNode().put("id", "mock-session-" + ids.incrementAndGet())
                    .put("status", "RUNNING").put("connectUrl", "wss://connect.example.invalid/mock"));
            case "context7 GET /v1/search" -> {
                ObjectNode r = JSON.createObjectNode();
                r.putArray("results").addObject().put("id", "/facebook/react").put("title", "React")
                        .put("description", "Mock: a JavaScript library for building user interfaces");
                yield ok(r);
            }
            case "context7 GET /v2/context" -> {
                ObjectNode r = JSON.createObjectNode();
                r.putArray("snippets").addObject().put("title", "Mock snippet for " + in.path("libraryId").asText())
                        .put("code", "// " + in.path("query").asText());
                yield ok(r);
            }
            default -> new Reply(404, "application/json",
                    json(Map.of("error", "the mock " + provider + " has no " + method + " " + path)));
        };
    }

    /**
     * When the request offers tools and the conversation has no tool result yet, the mock model calls the first tool,
     * filling each required string parameter with the last user message: {@code {"name", "arguments": {…}}}.
     *
     * @param wrapper the field each tool's declaration is nested in ({@code function} for OpenAI), or null
     */
    private static ObjectNode toolCall(JsonNode in, JsonNode tools, String wrapper, String schemaField) {
        if (!tools.isArray() || tools.isEmpty()) {
            return null;
        }
        String lastUser = "";
        for (JsonNode message : in.path("messages").isArray() ? in.path("messages") : in.path("contents")) {
            String role = message.path("role").asText();
            boolean toolResult = role.equals("tool") || message.path("content").toString().contains("tool_result")
                    || message.path("parts").toString().contains("functionResponse");
            if (toolResult) {
                return null;
            }
            if (role.equals("user")) {
                JsonNode content = message.has("parts") ? message.path("parts").path(0).path("text") : message.path("content");
                lastUser = content.isTextual() ? content.textValue() : content.path(0).path("text").asText("");
            }
        }
        JsonNode tool = wrapper == null ? tools.get(0) : tools.get(0).path(wrapper);
        ObjectNode arguments = JSON.createObjectNode();
        for (JsonNode required : tool.path(schemaField).path("required")) {
            if (tool.path(schemaField).path("properties").path(required.asText()).path("type").asText().equals("string")) {
                arguments.put(required.asText(), lastUser);
            }
        }
        ObjectNode call = JSON.createObjectNode().put("name", tool.path("name").asText());
        call.set("arguments", arguments);
        return call;
    }

    /** The operation part of a path, with the variable segment of a few templates as {@code *}. */
    private static String route(String path) {
        if (path.startsWith("/v1beta/models/") && path.endsWith(":generateContent")) {
            return "/v1beta/models/*";
        }
        if (path.startsWith("/v1/text-to-speech/")) {
            return "/v1/text-to-speech/*";
        }
        if (path.startsWith("/2010-04-01/Accounts/")) {
            return "/2010-04-01/Accounts/*";
        }
        return path;
    }

    private static long completion(JsonNode in, String... capFields) {
        long cap = 12;
        for (String field : capFields) {
            if (in.path(field).canConvertToLong() && in.path(field).asLong() > 0) {
                cap = Math.min(cap, in.path(field).asLong());
            }
        }
        return cap;
    }

    private static Reply ok(JsonNode body) {
        return new Reply(200, "application/json", json(body));
    }

    /** The provider's own 401 shape. */
    private static byte[] unauthorized(String provider) {
        String body = switch (provider) {
            case "openai" -> "{\"error\":{\"message\":\"Incorrect API key provided. You can find your API key at "
                    + "https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,"
                    + "\"code\":\"invalid_api_key\"}}";
            case "anthropic" -> "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}";
            case "gemini" -> "{\"error\":{\"code\":401,\"message\":\"API key not valid. Please pass a valid API key.\","
                    + "\"status\":\"UNAUTHENTICATED\"}}";
            case "openrouter" -> "{\"error\":{\"message\":\"No auth credentials found\",\"code\":401}}";
            case "stripe" -> "{\"error\":{\"message\":\"Invalid API Key provided.\",\"type\":\"invalid_request_error\"}}";
            case "twilio" -> "{\"code\":20003,\"message\":\"Authenticate\",\"more_info\":"
                    + "\"https://www.twilio.com/docs/errors/20003\",\"status\":401}";
            case "resend" -> "{\"statusCode\":401,\"message\":\"API key is invalid\",\"name\":\"validation_error\"}";
            case "tavily" -> "{\"detail\":{\"error\":\"Unauthorized: missing or invalid API key.\"}}";
            case "exa" -> "{\"error\":\"Invalid API key\",\"tag\":\"INVALID_API_KEY\"}";
            case "firecrawl" -> "{\"success\":false,\"error\":\"Unauthorized: Invalid token\"}";
            case "elevenlabs" -> "{\"detail\":{\"status\":\"invalid_api_key\",\"message\":\"Invalid API key\"}}";
            case "browserbase" -> "{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"Invalid API key\"}";
            default -> "{\"error\":\"unauthorized\"}";
        };
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonText(JsonNode value) {
        return new String(json((Object) value), StandardCharsets.UTF_8);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        return in.readNBytes(1024 * 1024);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        providers.stop(0);
        ollama.stop(0);
        threads.shutdownNow();
    }
}
