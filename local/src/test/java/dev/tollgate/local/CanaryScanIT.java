package dev.tollgate.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tollgate.auth.ApiKeyRecord;
import dev.tollgate.auth.ApiKeyTokens;
import dev.tollgate.auth.Caller;
import dev.tollgate.catalog.AuthStyle;
import dev.tollgate.catalog.Provider;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.Plan;
import dev.tollgate.log.Log;
import dev.tollgate.testing.SampleCalls;
import dev.tollgate.testing.SecretLeaks;
import dev.tollgate.testing.SecretLeaks.Canary;
import dev.tollgate.testkit.RepoRoot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The canary scan (issue 10): every secret the product handles carries a unique canary — a BYOK key and a platform
 * key per catalog provider, each customer's Tollgate API key, the Ollama base URL (a loopback address spelled in
 * hex) and the admin token. A local HTTP server stands in for every provider and, on every path (success, 400, 401,
 * 403, 429, 500, 503, redirect, a body over 5 MB, a body cut off, a non-JSON body, the verify call), echoes the
 * credential it received and the request it was sent — raw, base64 (both alphabets), URL-encoded, JSON-escaped, hex,
 * as prefixes and a suffix — in the body and in headers; a streamed success (the chat providers' own event formats)
 * carries the echo a few characters per event. The whole product runs in the local runner and is driven over HTTP
 * through every door — REST execute, MCP, A2A, tool-calls and the OpenAI-compatible {@code /v1/chat/completions},
 * whole and streamed — in BYOK, credits and free mode; then every response, every captured log line and every item
 * of every DynamoDB table is searched for any 8-character run of a secret's secret part (12 characters of its
 * base64, 16 of its hex): 0 hits.
 *
 * <p>Timeouts are covered by {@code execution.UpstreamTimeoutEchoIT} (the local runner keeps catalog timeouts of 25 s).
 */
class CanaryScanIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 127.45.177.77: a loopback address of its own, so the Ollama base URL is a canary too. */
    private static final byte[] OLLAMA_ADDRESS = {127, 45, (byte) 177, 77};

    /** What the stub upstream does with the next request. */
    enum Scenario { OK, NOT_JSON, BAD_REQUEST, PLAIN_BAD_REQUEST, UNAUTHORIZED, FORBIDDEN, RATE_LIMITED, SERVER_ERROR,
        UNAVAILABLE, REDIRECT, OVERSIZED, CUT_OFF }

    private static final Set<String> CHAT_PROVIDERS = Set.of("openai", "anthropic", "gemini", "openrouter", "ollama");
    private static final List<Scenario> VERIFY_SCENARIOS = List.of(Scenario.OK, Scenario.UNAUTHORIZED,
            Scenario.FORBIDDEN, Scenario.RATE_LIMITED, Scenario.SERVER_ERROR, Scenario.REDIRECT, Scenario.OVERSIZED,
            Scenario.CUT_OFF);

    private final List<Canary> canaries = new ArrayList<>();
    private final List<String> responses = new ArrayList<>();
    private final Set<String> paths = new LinkedHashSet<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicReference<Scenario> scenario = new AtomicReference<>(Scenario.OK);
    private String base;
    private int mcpId;

    @Test
    void noSecretReachesAResponseALogLineOrAStoredItem() throws Exception {
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        List<String> requestLog = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService stubThreads = Executors.newFixedThreadPool(8);
        HttpServer providers = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        HttpServer ollama = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(OLLAMA_ADDRESS), 0), 0);
        LocalTollgate tollgate = null;
        Log.setOutput(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            Map<String, Canary> byok = new LinkedHashMap<>();
            Map<String, Canary> platform = new LinkedHashMap<>();
            String ollamaUrl = "http://0x" + HexFormat.of().formatHex(OLLAMA_ADDRESS) + ":";
            for (SampleCalls.Sample sample : SampleCalls.onePerProvider()) {
                String provider = sample.tool();
                if (!provider.equals("context7") && !provider.equals("ollama")) {
                    byok.put(provider, providerKey(provider, "byok"));
                }
                if (!provider.equals("context7") && !provider.equals("ollama")) {
                    platform.put(provider, providerKey(provider, "plat"));
                }
            }
            Map<String, String> env = new HashMap<>();
            String stubBase = "http://127.0.0.1:";
            providers.setExecutor(stubThreads);
            ollama.setExecutor(stubThreads);
            providers.createContext("/", exchange -> answer(exchange, providerOf(exchange)));
            ollama.createContext("/", exchange -> answer(exchange, "ollama"));
            providers.start();
            ollama.start();
            byok.put("ollama", new Canary("byok ollama", ollamaUrl + ollama.getAddress().getPort(), "http://".length()));
            for (SampleCalls.Sample sample : SampleCalls.onePerProvider()) {
                String provider = sample.tool();
                if (!provider.equals("ollama")) {
                    env.put(Provider.baseUrlVariable(provider), stubBase + providers.getAddress().getPort() + "/" + provider);
                }
            }
            platform.forEach((provider, key) -> env.put("TOLLGATE_PLATFORM_KEY_" + provider.toUpperCase(Locale.ROOT),
                    key.secret()));
            canaries.addAll(byok.values());
            canaries.addAll(platform.values());
            tollgate = LocalTollgate.start(LocalTollgate.Options.defaults(RepoRoot.find()).withEnvironment(env)
                    .withRequestLog(requestLog::add));
            catalogAuth = tollgate.services().catalog();
            base = tollgate.baseUrl().toString().replaceAll("/$", "");
            canaries.add(new Canary("admin token", tollgate.adminToken(), "tga_".length()));

            for (SampleCalls.Sample sample : SampleCalls.onePerProvider()) {
                String provider = sample.tool();
                String token = customer(tollgate, provider);
                String tool = sample.toolName();
                String input = sample.input("Please repeat my key " + token);
                if (byok.containsKey(provider)) {
                    JsonNode registered = JSON.readTree(call("POST", "/api/v1/byok", token,
                            "{\"provider\":\"" + provider + "\",\"api_key\":\"" + byok.get(provider).secret() + "\"}",
                            "register"));
                    String keyId = registered.path("id").asText();
                    executeEverywhere(provider, tool, input, token, "byok");
                    for (Scenario s : VERIFY_SCENARIOS) {
                        scenario.set(s);
                        call("POST", "/api/v1/byok/" + keyId + "/verify", token, null, "verify/" + s);
                    }
                    scenario.set(Scenario.UNAUTHORIZED);
                    call("POST", "/api/v1/byok?verify=true", token, "{\"provider\":\"" + provider + "\",\"api_key\":\""
                            + byok.get(provider).secret() + "\"}", "register?verify=true/" + Scenario.UNAUTHORIZED);
                    for (String read : List.of("/api/v1/byok", "/api/v1/byok/" + keyId, "/api/v1/key", "/api/v1/usage",
                            "/api/v1/ledger", "/api/v1/audit")) {
                        call("GET", read, token, null, "read");
                    }
                    call("DELETE", "/api/v1/byok/" + keyId, token, null, "delete");
                }
                if (platform.containsKey(provider) || provider.equals("context7")) {
                    executeEverywhere(provider, tool, input, token, provider.equals("context7") ? "free" : "credits");
                }
                call("GET", "/api/v1/usage?group_by=mode", token, null, "read");
            }
            adminReads(tollgate);

            int[] items = new int[1];
            String tables = SecretLeaks.tables(tollgate.services().dynamo(), tollgate.services().tables(), items);
            Log.setOutput(System.out);
            String logText = logs.toString(StandardCharsets.UTF_8) + String.join("\n", requestLog);
            SecretLeaks needles = new SecretLeaks(canaries);
            for (Canary c : canaries) {
                // The detector itself finds each form it looks for.
                for (String leak : List.of(c.secret(), base64(c.secret()),
                        c.secret().substring(0, c.publicLength() + 8), HexFormat.of().formatHex(c.secret().getBytes(StandardCharsets.UTF_8)))) {
                    assertFalse(needles.find("self-test", "…" + leak + "…").isEmpty(), c.label() + ": " + leak);
                }
            }
            long redacted = responses.stream().filter(r -> r.contains("[REDACTED]")).count();
            assertTrue(redacted > 100, "echoes reached the product and were redacted: " + redacted);
            List<String> hits = new ArrayList<>();
            for (int i = 0; i < responses.size(); i++) {
                hits.addAll(needles.find("response " + i, responses.get(i)));
            }
            hits.addAll(needles.find("logs", logText));
            hits.addAll(needles.find("tables", tables));
            System.out.printf("canary scan: %d secrets, %d requests over %d paths (REST, MCP, A2A, tool-calls, /v1 whole "
                            + "and streamed), %d with an echo "
                            + "redacted, %d log bytes, %d DynamoDB items in 8 tables, %d needles: %d hits%n",
                    canaries.size(), responses.size(), paths.size(), redacted, logText.length(), items[0],
                    needles.size(), hits.size());
            assertTrue(logText.contains("\"msg\":\"request\""), "the handlers' log lines were captured");
            assertTrue(tables.contains("ciphertext"), "the scan sees the stored keys");
            assertEquals(List.of(), hits, "secrets found");
        } finally {
            Log.setOutput(System.out);
            if (tollgate != null) {
                tollgate.close();
            }
            providers.stop(0);
            ollama.stop(0);
            stubThreads.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Driving the product

    private void executeEverywhere(String provider, String tool, String input, String token, String mode)
            throws Exception {
        String operation = tool.substring(provider.length() + 1);
        for (Scenario s : Scenario.values()) {
            scenario.set(s);
            String body = "{\"tool\":\"" + provider + "\",\"operation\":\"" + operation + "\",\"input\":" + input + "}";
            String key = s == Scenario.OK ? Ids.newId("idem") : null;
            call("POST", "/api/v1/execute", token, body, "execute/" + provider + "/" + mode + "/" + s, key);
            if (key != null) {
                call("POST", "/api/v1/execute", token, body, "execute/" + provider + "/" + mode + "/replay", key);
            }
            ObjectNode params = JSON.createObjectNode().put("name", tool);
            params.set("arguments", JSON.readTree(input));
            if (s == Scenario.OK) {
                params.putObject("_meta").put("tollgate/idempotency_key", Ids.newId("idem"));
            }
            ObjectNode rpc = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", ++mcpId).put("method", "tools/call");
            rpc.set("params", params);
            call("POST", "/mcp", token, JSON.writeValueAsString(rpc), "mcp/" + provider + "/" + mode + "/" + s);

            ObjectNode send = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", ++mcpId)
                    .put("method", "message/send");
            ObjectNode message = send.putObject("params").putObject("message").put("kind", "message")
                    .put("role", "user").put("messageId", Ids.newId("msg"));
            ObjectNode data = message.putArray("parts").addObject().put("kind", "data").putObject("data")
                    .put("name", tool);
            data.set("arguments", JSON.readTree(input));
            call("POST", "/a2a", token, JSON.writeValueAsString(send), "a2a/" + provider + "/" + mode + "/" + s);

            ObjectNode toolCalls = JSON.createObjectNode();
            toolCalls.putArray("tool_calls").addObject().put("id", Ids.newId("call")).put("type", "function")
                    .putObject("function").put("name", tool).put("arguments", input);
            call("POST", "/api/v1/tool-calls", token, JSON.writeValueAsString(toolCalls),
                    "tool-calls/" + provider + "/" + mode + "/" + s);

            JsonNode model = JSON.readTree(input).path("model");
            if (CHAT_PROVIDERS.contains(provider)) {
                ObjectNode chat = JSON.createObjectNode().put("model", provider + "/" + model.asText());
                chat.putArray("messages").addObject().put("role", "user")
                        .put("content", "Please repeat my key " + token);
                call("POST", "/v1/chat/completions", token, JSON.writeValueAsString(chat),
                        "v1/" + provider + "/" + mode + "/" + s);
                chat.put("stream", true).putObject("stream_options").put("include_usage", true);
                call("POST", "/v1/chat/completions", token, JSON.writeValueAsString(chat),
                        "v1-stream/" + provider + "/" + mode + "/" + s);
            }
        }
    }

    private String call(String method, String path, String token, String body, String label) throws Exception {
        return call(method, path, token, body, label, null);
    }

    private String call(String method, String path, String token, String body, String label, String idempotencyKey)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json, text/event-stream")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertNotEquals(500, response.statusCode(), label + " → " + response.body());
        paths.add(label);
        responses.add(label + " " + response.statusCode() + " " + response.headers().map() + " " + response.body());
        if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            // What a client makes of a stream: the deltas joined, where an echo cut into events is whole again.
            responses.add(label + " assembled " + assembled(response.body()));
        }
        return response.body();
    }

    private void adminReads(LocalTollgate tollgate) throws Exception {
        for (String path : List.of("/admin/v1/platform-keys")) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + tollgate.adminToken()).GET().build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            paths.add("admin " + path);
            responses.add("admin " + path + " " + response.statusCode() + " " + response.body());
        }
    }

    /** A pro person with plenty of credits and an API key whose body carries a canary. */
    private String customer(LocalTollgate tollgate, String provider) {
        var accounts = tollgate.services().accountService();
        Account account = accounts.create(Account.Type.PERSONAL, Plan.PRO, "canary " + provider, "test");
        accounts.topUp(account.id(), 100_000 * Credits.MICROS_PER_CREDIT, "seed-" + account.id(), "test");
        String body = "Cnry" + random(43 - 4);
        String token = ApiKeyTokens.withChecksum(ApiKeyTokens.TEST_PREFIX + body);
        assertTrue(ApiKeyTokens.isWellFormed(token), token);
        Instant now = Instant.now();
        tollgate.services().apiKeyStore().create(new ApiKeyRecord(Ids.newId("key", now), ApiKeyTokens.hash(token),
                account.id(), Caller.PrincipalType.PERSON, account.id(), "canary", ApiKeyTokens.hint(token), now, null,
                null));
        canaries.add(new Canary("api key " + provider, token, ApiKeyTokens.TEST_PREFIX.length()));
        return token;
    }

    /** A key in the provider's format with a canary in the middle and random filler around it. */
    private static Canary providerKey(String provider, String kind) {
        String canary = "Cnry" + random(13);
        String key;
        int publicLength;
        switch (provider) {
            case "openai" -> { key = "sk-proj-" + random(10) + canary + random(20); publicLength = 8; }
            case "anthropic" -> { key = "sk-ant-api03-" + random(10) + canary + random(20); publicLength = 13; }
            case "gemini" -> { key = "AIza" + random(8) + canary + random(35 - 8 - canary.length()); publicLength = 0; }
            case "openrouter" -> { key = "sk-or-v1-" + random(10) + canary + random(20); publicLength = 9; }
            case "stripe" -> { key = "sk_test_" + random(10) + canary + random(20); publicLength = 8; }
            case "twilio" -> {
                String sid = "AC" + HexFormat.of().formatHex(randomBytes(16));
                key = sid + ":" + random(4) + canary + random(32 - 4 - canary.length());
                publicLength = sid.length() + 1;
            }
            case "resend" -> { key = "re_" + random(10) + canary + random(20); publicLength = 3; }
            case "tavily" -> { key = "tvly-" + random(10) + canary + random(20); publicLength = 5; }
            case "exa" -> {
                // A UUID is hex only: its random value is the canary.
                String hex = HexFormat.of().formatHex(randomBytes(16));
                key = hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                        + hex.substring(16, 20) + "-" + hex.substring(20);
                publicLength = 0;
            }
            case "firecrawl" -> { key = "fc-" + random(10) + canary + random(20); publicLength = 3; }
            case "elevenlabs" -> { key = "sk_" + random(10) + canary + random(20); publicLength = 3; }
            case "browserbase" -> { key = "bb_live_" + random(10) + canary + random(20); publicLength = 8; }
            default -> throw new IllegalArgumentException(provider);
        }
        return new Canary(kind + " " + provider, key, publicLength);
    }

    /** Each choice's text and tool call arguments of a streamed completion, joined in order. */
    private static String assembled(String stream) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : stream.split("\n")) {
            if (line.startsWith("data: {")) {
                for (JsonNode choice : JSON.readTree(line.substring("data: ".length())).path("choices")) {
                    JsonNode delta = choice.path("delta");
                    text.append(delta.path("content").asText(""));
                    delta.path("tool_calls").forEach(call -> text.append(call.at("/function/arguments").asText("")));
                }
            }
        }
        return text.toString();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The stub upstream: echoes what it was sent, on every path

    private dev.tollgate.catalog.ProviderCatalog catalogAuth;

    /** Each provider's base URL is the stub's {@code /<provider id>}. */
    private static String providerOf(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        return path.substring(1, path.indexOf('/', 1));
    }

    private void answer(HttpExchange exchange, String provider) throws IOException {
        try (exchange) {
            byte[] request = exchange.getRequestBody().readAllBytes();
            String credential = credential(exchange, provider);
            List<String> seen = new ArrayList<>();
            if (credential != null) {
                seen.add(credential);
            }
            seen.add(new String(request, StandardCharsets.UTF_8));
            if (exchange.getRequestURI().getRawQuery() != null) {
                seen.add(exchange.getRequestURI().getRawQuery());
            }
            String echo = echo(seen);
            if (credential != null) {
                exchange.getResponseHeaders().add("X-Echo", credential);
                exchange.getResponseHeaders().add("X-Echo-Base64", base64(credential));
            }
            Scenario s = scenario.get();
            switch (s) {
                case OK -> {
                    if (streamed(exchange, request)) {
                        stream(exchange, provider, String.valueOf(credential) + echo);
                    } else if (provider.equals("elevenlabs")) {
                        send(exchange, 200, "audio/mpeg; note=" + base64(String.valueOf(credential)),
                                ("ID3" + echo).getBytes(StandardCharsets.UTF_8));
                    } else {
                        // An answer every chat dialect reads (OpenAI's, Anthropic's, Gemini's and Ollama's fields at
                        // once), its text the credential, plus the echo beside it.
                        String said = String.valueOf(credential);
                        ObjectNode ok = JSON.createObjectNode().put("id", "echo_1").put("echo", echo)
                                .put("object", "chat.completion").put("created", 1).put("model", "m")
                                .put("type", "message").put("role", "assistant").put("stop_reason", "end_turn")
                                .put("done", true).put("prompt_eval_count", 3).put("eval_count", 5);
                        ObjectNode choice = ok.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
                        choice.putObject("message").put("role", "assistant").put("content", said);
                        ok.putArray("content").addObject().put("type", "text").put("text", said);
                        ObjectNode candidate = ok.putArray("candidates").addObject().put("finishReason", "STOP")
                                .put("index", 0);
                        candidate.putObject("content").put("role", "model").putArray("parts").addObject()
                                .put("text", said);
                        ok.putObject("message").put("role", "assistant").put("content", said);
                        ok.putObject("usage").put("prompt_tokens", 3).put("completion_tokens", 5)
                                .put("total_tokens", 8).put("input_tokens", 3).put("output_tokens", 5);
                        ok.putObject("usageMetadata").put("promptTokenCount", 3).put("candidatesTokenCount", 5)
                                .put("totalTokenCount", 8);
                        ok.put("escaped", SecretLeaks.unicodeEscaped(String.valueOf(credential)));
                        send(exchange, 200, "application/json", JSON.writeValueAsBytes(ok));
                    }
                }
                case NOT_JSON -> send(exchange, 200, "text/html", ("<html>" + echo + "</html>").getBytes(StandardCharsets.UTF_8));
                case BAD_REQUEST -> send(exchange, 400, "application/json", error(echo));
                case PLAIN_BAD_REQUEST -> send(exchange, 400, "text/plain", echo.getBytes(StandardCharsets.UTF_8));
                case UNAUTHORIZED -> send(exchange, 401, "application/json", error("Incorrect API key provided: " + echo));
                case FORBIDDEN -> send(exchange, 403, "application/json", error("Forbidden for key " + echo));
                case RATE_LIMITED -> {
                    exchange.getResponseHeaders().add("Retry-After", String.valueOf(credential));
                    send(exchange, 429, "application/json", error("Slow down " + echo));
                }
                case SERVER_ERROR -> send(exchange, 500, "application/json", error("Internal error for " + echo));
                case UNAVAILABLE -> send(exchange, 503, "text/plain", echo.getBytes(StandardCharsets.UTF_8));
                case REDIRECT -> {
                    exchange.getResponseHeaders().add("Location", "http://127.0.0.1:1/steal?key="
                            + URLEncoder.encode(String.valueOf(credential), StandardCharsets.UTF_8));
                    send(exchange, 302, "application/json", error("Moved " + echo));
                }
                case OVERSIZED -> {
                    byte[] head = error(echo);
                    byte[] body = new byte[5 * 1024 * 1024 + 1024];
                    java.util.Arrays.fill(body, (byte) ' ');
                    System.arraycopy(head, 0, body, 0, head.length);
                    send(exchange, 200, "application/json", body);
                }
                case CUT_OFF -> {
                    byte[] part = error(echo);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, part.length + 10_000L);
                    OutputStream out = exchange.getResponseBody();
                    out.write(part);
                    out.flush();
                    // Closing the exchange now ends the connection before the promised length.
                }
                default -> throw new IllegalStateException(s.name());
            }
        } catch (IOException clientWentAway) {
            // Tollgate stops reading oversized and cut-off bodies; that is the point of those paths.
        }
    }

    /** Whether Tollgate asked for a streamed answer (the OpenAI-compatible door with {@code stream: true}). */
    private static boolean streamed(HttpExchange exchange, byte[] request) {
        if (exchange.getRequestURI().getPath().endsWith(":streamGenerateContent")) {
            return true;
        }
        try {
            return JSON.readTree(request).path("stream").asBoolean(false);
        } catch (IOException notJson) {
            return false;
        }
    }

    /**
     * A successful streamed answer in the provider's own format (OpenAI's chunks, Anthropic's message events, Gemini's
     * {@code alt=sse} responses, Ollama's JSON lines) whose text is {@code text} five characters per event, so an echo
     * reaches Tollgate in pieces no single event gives away.
     */
    private static void stream(HttpExchange exchange, String provider, String text) throws IOException {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 5) {
            pieces.add(JSON.writeValueAsString(text.substring(i, Math.min(text.length(), i + 5))));
        }
        List<String> events = new ArrayList<>();
        switch (provider) {
            case "anthropic" -> {
                events.add("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
                        + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],"
                        + "\"stop_reason\":null,"
                        + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}");
                events.add("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
                pieces.forEach(p -> events.add("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                        + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":" + p + "}}"));
                events.add("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}");
                events.add("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                        + "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}");
                events.add("event: message_stop\ndata: {\"type\":\"message_stop\"}");
            }
            case "gemini" -> {
                pieces.forEach(p -> events.add("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":"
                        + "[{\"text\":" + p + "}]},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3}}"));
                events.add("data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"\"}]},"
                        + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":3,"
                        + "\"candidatesTokenCount\":5,\"totalTokenCount\":8}}");
            }
            case "ollama" -> {
                pieces.forEach(p -> events.add("{\"model\":\"m\",\"created_at\":\"2026-01-01T00:00:00Z\",\"message\":"
                        + "{\"role\":\"assistant\",\"content\":" + p + "},\"done\":false}"));
                events.add("{\"model\":\"m\",\"created_at\":\"2026-01-01T00:00:00Z\",\"message\":{\"role\":"
                        + "\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":3,"
                        + "\"eval_count\":5}");
            }
            default -> {
                String head = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                        + "\"model\":\"m\",";
                pieces.forEach(p -> events.add(head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + p
                        + "},\"finish_reason\":null}]}"));
                events.add(head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
                events.add(head + "\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,"
                        + "\"total_tokens\":8}}");
                events.add("data: [DONE]");
            }
        }
        boolean lines = provider.equals("ollama");
        exchange.getResponseHeaders().add("Content-Type", lines ? "application/x-ndjson" : "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (String event : events) {
            out.write((event + (lines ? "\n" : "\n\n")).getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private String credential(HttpExchange exchange, String provider) {
        AuthStyle auth = catalogAuth.provider(provider).orElseThrow().auth();
        var headers = exchange.getRequestHeaders();
        return switch (auth.kind()) {
            case BEARER -> stripPrefix(headers.getFirst("Authorization"), "Bearer ");
            case BASIC -> {
                String basic = stripPrefix(headers.getFirst("Authorization"), "Basic ");
                yield basic == null ? null : new String(Base64.getDecoder().decode(basic), StandardCharsets.UTF_8);
            }
            case HEADER -> headers.getFirst(auth.parameter().orElseThrow());
            case BASE_URL -> "http://" + headers.getFirst("Host");
            case QUERY -> exchange.getRequestURI().getQuery();
            case NONE -> null;
        };
    }

    private static String stripPrefix(String value, String prefix) {
        return value != null && value.startsWith(prefix) ? value.substring(prefix.length()) : value;
    }

    /** Each thing seen, in every encoding a provider might echo it in, plus prefixes and a suffix of it. */
    private static String echo(List<String> seen) {
        StringBuilder sb = new StringBuilder();
        for (String s : seen) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            sb.append(" raw=").append(s)
                    .append(" b64=").append(Base64.getEncoder().encodeToString(bytes))
                    .append(" b64url=").append(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))
                    .append(" url=").append(URLEncoder.encode(s, StandardCharsets.UTF_8))
                    .append(" url-lower=").append(SecretLeaks.lowerPercent(URLEncoder.encode(s, StandardCharsets.UTF_8)))
                    .append(" json=").append(SecretLeaks.unicodeEscaped(s))
                    .append(" slashes=").append(s.replace("/", "\\/"))
                    .append(" hex=").append(HexFormat.of().formatHex(bytes));
            for (int length : new int[] {12, 16, 20, s.length() / 2, s.length() - 1}) {
                if (length > 0 && length < s.length()) {
                    sb.append(" prefix=").append(s, 0, length);
                }
            }
            if (s.length() > 12) {
                sb.append(" suffix=").append(s.substring(s.length() - 12));
            }
        }
        return sb.toString();
    }

    private static byte[] error(String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", message).put("type", "invalid_request_error");
        return JSON.writeValueAsBytes(error);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static String random(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
        }
        return sb.toString();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
