package dev.tollgate.execution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.vault.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Key verification goes through the one guarded client (SPEC 6.3, 7.4): a customer base URL is resolved once, by
 * the SSRF guard, and the connection goes to exactly the address it approved; a loopback, private or rebinding
 * answer, in any spelling, is {@code 400 upstream_address_forbidden} with no connection made.
 */
class UpstreamKeyVerifierIT {
    private static final Provider OLLAMA = ProviderCatalog.load(Config.of(Map.of())).provider("ollama").orElseThrow();
    private static final InetAddress LOOPBACK = address(127, 0, 0, 1);
    private static final InetAddress PUBLIC = address(93, 184, 216, 34);

    private static HttpServer ollama;
    private static final AtomicInteger verifyCalls = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        ollama = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
        ollama.createContext("/api/tags", exchange -> {
            verifyCalls.incrementAndGet();
            byte[] body = "{\"models\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        ollama.start();
    }

    @AfterAll
    static void stop() {
        ollama.stop(0);
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static int verify(UpstreamClient client, String baseUrl) {
        try (Secret secret = new Secret(baseUrl.getBytes(StandardCharsets.UTF_8))) {
            return new UpstreamKeyVerifier(client).check(OLLAMA, OLLAMA.verify().orElseThrow(), secret);
        }
    }

    @Test
    void theNameIsResolvedOnceByTheGuardAndThatAddressIsTheOneCalled() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        AddressGuard permissive = new AddressGuard(true, host -> {
            lookups.incrementAndGet();
            return new InetAddress[] {LOOPBACK};
        });
        int before = verifyCalls.get();
        try (UpstreamClient client = new UpstreamClient(permissive)) {
            assertEquals(200, verify(client, "http://ollama.customer.test:" + ollama.getAddress().getPort()));
        }
        assertEquals(1, lookups.get(), "one resolution, by the guard: no second lookup to rebind");
        assertEquals(before + 1, verifyCalls.get());
    }

    @Test
    void loopbackPrivateAndRebindingAnswersAreRefusedWithoutAConnection() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, LOOPBACK)) {
            int port = listener.getLocalPort();
            AddressGuard strict = new AddressGuard(false, host -> switch (host) {
                case "rebind.customer.test" -> new InetAddress[] {PUBLIC, LOOPBACK};
                case "loopback.customer.test", "localhost" -> new InetAddress[] {LOOPBACK};
                case "metadata.customer.test" -> new InetAddress[] {address(169, 254, 169, 254)};
                default -> throw new UnknownHostException(host);
            });
            List<String> hosts = List.of("rebind.customer.test", "loopback.customer.test", "localhost",
                    "metadata.customer.test", "127.0.0.1", "0x7f000001", "2130706433", "0177.0.0.1", "127.1",
                    "[::1]", "[::ffff:7f00:1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::1]", "[::127.0.0.1]",
                    "0.0.0.0", "10.0.0.1", "100.64.0.1", "198.18.0.1", "[fe80::1]", "[fd00::1]");
            try (UpstreamClient client = new UpstreamClient(strict)) {
                for (String host : hosts) {
                    TollgateException refused = assertThrows(TollgateException.class,
                            () -> verify(client, "http://" + host + ":" + port), host);
                    assertEquals(ErrorCode.UPSTREAM_ADDRESS_FORBIDDEN, refused.code(), host);
                    assertEquals(400, refused.status(), host);
                }
            }
            // Had any verify connected, its connection would be first in the accept queue; the sentinel is.
            try (Socket sentinel = new Socket(LOOPBACK, port)) {
                sentinel.getOutputStream().write('S');
                sentinel.getOutputStream().flush();
                try (Socket first = listener.accept(); InputStream in = first.getInputStream()) {
                    assertEquals('S', in.read(), "a refused verification opened a connection");
                }
            }
        }
    }
}
