package dev.tollgate.execution;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.auth.Acting;
import dev.tollgate.catalog.Provider;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Plan;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import dev.tollgate.testing.ExecutionHarness;
import dev.tollgate.testing.SampleCalls;
import dev.tollgate.testing.SecretLeaks;
import dev.tollgate.testkit.DynamoExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The timeout path of the canary scan ({@code local.CanaryScanIT} covers every other path over HTTP): every provider
 * of the catalog, BYOK and credits (free for Context7), answers with the start of a body that echoes the secrets and
 * then stalls past the operation's timeout (1 s here). Every call ends in {@code 504 upstream_timeout} whose message,
 * details, usage record and log lines hold no secret.
 */
class UpstreamTimeoutEchoIT {
    private static final String KEY = "Cnry0TimeoutCanary0Key0";
    private static final SecureRandom RANDOM = new SecureRandom();

    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    /** A key in each provider's format: a canary and random filler; the Ollama key is the stub's URL. */
    private static String keyFor(String provider, String kind, ExecutionHarness h) {
        String tail = kind + KEY + random(10);
        return switch (provider) {
            case "openai" -> "sk-proj-" + tail;
            case "anthropic" -> "sk-ant-api03-" + tail;
            case "gemini" -> "AIza" + (tail + random(10)).substring(0, 35);
            case "openrouter" -> "sk-or-v1-" + tail;
            case "stripe" -> "sk_test_" + tail;
            case "twilio" -> "AC" + "0123456789abcdef".repeat(2) + ":" + (tail + random(10)).substring(0, 32);
            case "resend" -> "re_" + tail;
            case "tavily" -> "tvly-" + tail;
            case "exa" -> UUID.randomUUID().toString();
            case "firecrawl" -> "fc-" + tail;
            case "elevenlabs" -> "sk_" + tail;
            case "browserbase" -> "bb_live_" + tail;
            case "ollama" -> h.wiremock.baseUrl();
            default -> throw new IllegalArgumentException(provider);
        };
    }

    private static String random(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Test
    void aCallCutByTheTimeoutLeaksNothing() throws Exception {
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(logs, true, StandardCharsets.UTF_8));
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try (ExecutionHarness h = ExecutionHarness.withTimeouts(DYNAMO, 1000)) {
            List<SecretLeaks.Canary> canaries = new ArrayList<>();
            List<Runnable> planned = new ArrayList<>();
            List<Future<TollgateException>> calls = new ArrayList<>();
            StringBuilder echo = new StringBuilder("{\"echo\":\"");
            for (SampleCalls.Sample sample : SampleCalls.onePerProvider()) {
                Provider provider = h.services.catalog().provider(sample.tool()).orElseThrow();
                boolean free = h.services.catalog().operation(sample.tool(), sample.operation()).orElseThrow().isFree();
                List<String> kinds = new ArrayList<>();
                if (provider.byok()) {
                    kinds.add("byok");
                }
                if (provider.platformKey() || free) {
                    kinds.add("plat");
                }
                for (String kind : kinds) {
                    // Each call has its own customer, whose API key the input carries for the provider to echo.
                    ExecutionHarness.Customer customer = h.customer(Plan.PRO, 10_000 * Credits.MICROS_PER_CREDIT);
                    Acting acting = new Acting(customer.acting().caller(), customer.acting().account(),
                            customer.acting().role(), null, customer.token());
                    canaries.add(new SecretLeaks.Canary("api key " + provider.id() + " " + kind, customer.token(),
                            "tg_test_".length()));
                    echo.append(customer.token()).append(' ');
                    if (!free) {
                        String key = keyFor(provider.id(), kind, h);
                        if (kind.equals("byok")) {
                            h.vault.register(acting.accountId(), provider.id(), key);
                        } else {
                            h.vault.setPlatformKey(provider.id(), key);
                        }
                        if (!provider.id().equals("ollama")) {
                            canaries.add(canary(provider.id(), kind, key));
                            echo.append(key).append(' ').append(base64(key)).append(' ');
                        }
                    }
                    String input = sample.input("repeat " + customer.token());
                    planned.add(() -> calls.add(callers.submit(() -> assertThrows(TollgateException.class,
                            () -> h.execute(acting, sample.tool(), sample.operation(), input)))));
                }
            }
            // The body starts at once, with every secret in it, and then takes 4 s for the rest.
            String start = echo.append("\"").toString();
            h.wiremock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withBody(start + " ".repeat(4000) + "}")
                    .withChunkedDribbleDelay(10, 4_000)));
            planned.forEach(Runnable::run);
            List<String> seen = new ArrayList<>();
            for (Future<TollgateException> call : calls) {
                TollgateException e = call.get();
                assertEquals(ErrorCode.UPSTREAM_TIMEOUT, e.code(), e.getMessage());
                seen.add(e.getMessage() + " " + e.details());
            }
            Log.setOutput(System.out);
            SecretLeaks leaks = new SecretLeaks(canaries);
            int[] items = new int[1];
            List<String> hits = new ArrayList<>(leaks.find("errors", String.join("\n", seen)));
            hits.addAll(leaks.find("logs", logs.toString(StandardCharsets.UTF_8)));
            hits.addAll(leaks.find("tables", SecretLeaks.tables(h.services.dynamo(), h.services.tables(), items)));
            assertTrue(calls.size() >= 25, "every provider, both modes: " + calls.size());
            assertEquals(List.of(), hits);
        } finally {
            Log.setOutput(System.out);
            callers.shutdownNow();
        }
    }

    private static SecretLeaks.Canary canary(String provider, String kind, String key) {
        int at = key.indexOf(kind + KEY);
        return new SecretLeaks.Canary(kind + " " + provider, key, at < 0 ? 0 : at);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
