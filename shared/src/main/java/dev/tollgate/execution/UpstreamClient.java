package dev.tollgate.execution;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLHandshakeException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The one HTTP client for provider calls (SPEC 7.4) — execution and key verification — shared by every request of a
 * container; Apache HttpClient 5 behind the small {@link Upstream} interface.
 *
 * <ul>
 *   <li>Redirects are never followed (a key must not travel to another host): a 3xx comes back as a response.</li>
 *   <li>No automatic retries (a retried POST could be a second SMS or a second charge at the provider), no cookies,
 *       no system proxy.</li>
 *   <li>The operation's timeout is a hard deadline for the whole exchange, body included.</li>
 *   <li>Bodies over {@link #MAX_RESPONSE_BYTES} are refused while reading (after decompression).</li>
 *   <li>Customer-supplied hosts go through a second connection pool whose name resolver is {@link AddressGuard}: it
 *       refuses private, link-local and reserved addresses, and the pool connects to exactly the addresses it
 *       returned; the pools never share a connection.</li>
 * </ul>
 */
public final class UpstreamClient implements Upstream, AutoCloseable {
    /** Lambda responses are capped at 6 MB; the base64 or JSON envelope needs the rest. */
    public static final int MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
    private static final Timeout CONNECT_TIMEOUT = Timeout.ofSeconds(5);

    private final CloseableHttpClient catalogHosts;
    private final CloseableHttpClient customerHosts;
    private final ScheduledExecutorService deadlines;

    public UpstreamClient(boolean allowPrivateUpstreams) {
        this(new AddressGuard(allowPrivateUpstreams));
    }

    /** A client whose customer-host pool resolves names through {@code guard} (tests pass one with a fake DNS). */
    public UpstreamClient(AddressGuard guard) {
        this.catalogHosts = build(SystemDefaultDnsResolver.INSTANCE);
        this.customerHosts = build(new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return guard.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return AddressPolicy.normaliseHost(host);
            }
        });
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "upstream-deadlines");
            t.setDaemon(true);
            return t;
        });
    }

    private static CloseableHttpClient build(DnsResolver resolver) {
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setDnsResolver(resolver)
                .setMaxConnTotal(200)
                .setMaxConnPerRoute(50)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(CONNECT_TIMEOUT)
                        .setSocketTimeout(Timeout.ofSeconds(30))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .setTimeToLive(TimeValue.ofMinutes(5))
                        .build())
                .build();
        return HttpClients.custom()
                .setConnectionManager(pool)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("Tollgate/0.1")
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
    }

    /**
     * Sends the request and reads the whole response.
     *
     * @throws TollgateException {@code upstream_timeout}, {@code upstream_address_forbidden},
     *                           {@code upstream_response_too_large}, or {@code upstream_error} when the provider could
     *                           not be reached; an {@link UpstreamOutcomeUnknownException} when the request may have
     *                           reached the provider and no answer came back
     */
    @Override
    public UpstreamResponse send(UpstreamRequest request) {
        return exchange(request, (response, started, cutOff) -> new UpstreamResponse(response.getCode(),
                headers(response), read(response.getEntity()), (System.nanoTime() - started) / 1_000_000));
    }

    /**
     * Reads a successful streamed body; what it returns is the provider's assembled response. A reader that has what
     * it needs before the body ends (an MCP server may keep its stream open after the answer) closes {@code body}:
     * the rest is then cut off with the connection, not awaited.
     */
    @FunctionalInterface
    public interface StreamReader {
        /** @param headers the response's headers: lower-case names, first value of each */
        com.fasterxml.jackson.databind.JsonNode read(Map<String, String> headers, InputStream body) throws IOException;
    }

    /**
     * A streamed exchange: either the provider refused (a non-2xx answer, read whole as by {@link #send}) or its
     * 2xx stream was read to the end by the reader, which assembled the provider's response.
     */
    public record Streamed(UpstreamResponse refused, com.fasterxml.jackson.databind.JsonNode assembled) {
    }

    /**
     * Sends the request and hands a 2xx body to {@code reader} as it arrives, under the same rules as {@link #send}:
     * the operation's timeout is a hard deadline for the whole stream, and more than {@link #MAX_RESPONSE_BYTES}
     * read is refused. A stream that breaks is {@code upstream_error}, one cut by the deadline {@code upstream_timeout};
     * a {@link TollgateException} thrown by the reader passes through unchanged.
     */
    @Override
    public Streamed stream(UpstreamRequest request, StreamReader reader) {
        return exchange(request, (response, started, cutOff) -> {
            if (response.getCode() < 200 || response.getCode() >= 300) {
                return new Streamed(new UpstreamResponse(response.getCode(), headers(response),
                        read(response.getEntity()), (System.nanoTime() - started) / 1_000_000), null);
            }
            HttpEntity entity = response.getEntity();
            InputStream content = entity == null ? null : entity.getContent();
            CappedInputStream body = new CappedInputStream(content == null ? InputStream.nullInputStream() : content);
            com.fasterxml.jackson.databind.JsonNode assembled = reader.read(headers(response), body);
            if (body.closedByReader && !body.ended) {
                cutOff.run();
            } else {
                body.finish();
            }
            return new Streamed(null, assembled);
        });
    }

    @FunctionalInterface
    private interface ResponseReader<T> {
        /** @param cutOff ends the exchange now, closing the connection instead of reading the rest of the body */
        T read(ClassicHttpResponse response, long startedNanos, Runnable cutOff) throws IOException;
    }

    private <T> T exchange(UpstreamRequest request, ResponseReader<T> reader) {
        HttpUriRequestBase http = new HttpUriRequestBase(request.method(), request.uri());
        for (Map.Entry<String, String> header : request.headers()) {
            http.addHeader(header.getKey(), header.getValue());
        }
        if (request.body() != null) {
            http.setEntity(new ByteArrayEntity(request.body(), null));
        }
        Timeout timeout = Timeout.of(request.timeout());
        http.setConfig(RequestConfig.custom()
                .setRedirectsEnabled(false)
                .setResponseTimeout(timeout)
                .setConnectionRequestTimeout(CONNECT_TIMEOUT)
                .build());
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            expired.set(true);
            http.cancel();
        }, request.timeout().toMillis(), TimeUnit.MILLISECONDS);
        AtomicBoolean cutOff = new AtomicBoolean();
        long started = System.nanoTime();
        CloseableHttpClient client = request.customerHost() ? customerHosts : catalogHosts;
        T result = null;
        try (ClassicHttpResponse response = client.executeOpen(null, http, null)) {
            try {
                result = reader.read(response, started, () -> {
                    cutOff.set(true);
                    http.cancel();
                });
            } catch (IOException | RuntimeException e) {
                // Closing would read the rest of the body first, and a body over the cap may never end.
                http.cancel();
                throw e;
            }
            return result;
        } catch (AddressGuard.ForbiddenAddressException e) {
            throw new TollgateException(ErrorCode.UPSTREAM_ADDRESS_FORBIDDEN,
                    "The upstream URL resolves to an address Tollgate does not connect to "
                            + "(private, loopback, link-local or reserved)");
        } catch (TollgateException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (cutOff.get() && result != null) {
                // The reader had its answer; closing the connection it cut off is all that failed.
                return result;
            }
            if (neverSent(e)) {
                throw new TollgateException(ErrorCode.UPSTREAM_ERROR,
                        "The provider could not be reached (" + e.getClass().getSimpleName() + "); nothing was charged");
            }
            if (expired.get() || e instanceof InterruptedIOException) {
                throw timeout(request);
            }
            throw new UpstreamOutcomeUnknownException(ErrorCode.UPSTREAM_ERROR, "The connection to the provider broke "
                    + "before it answered (" + e.getClass().getSimpleName() + "); it may still have acted on the "
                    + "request. Nothing was charged");
        } finally {
            deadline.cancel(false);
        }
    }

    private static Map<String, String> headers(ClassicHttpResponse response) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : response.getHeaders()) {
            headers.putIfAbsent(h.getName().toLowerCase(Locale.ROOT), h.getValue());
        }
        return headers;
    }

    /**
     * A streamed body, refused once more than {@link #MAX_RESPONSE_BYTES} have been read. Closing it only marks that
     * the reader is done; the exchange then decides between reading the rest and cutting the connection off.
     */
    private static final class CappedInputStream extends java.io.FilterInputStream {
        private long total;
        private boolean ended;
        private boolean closedByReader;

        CappedInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            ended |= b < 0;
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            ended |= n < 0;
            count(Math.max(n, 0));
            return n;
        }

        @Override
        public void close() {
            closedByReader = true;
        }

        /** Reads what the reader left (the connection goes back to the pool) and closes the body. */
        void finish() throws IOException {
            in.close();
        }

        private void count(int n) {
            total += n;
            if (total > MAX_RESPONSE_BYTES) {
                throw tooLarge();
            }
        }
    }

    private static TollgateException timeout(UpstreamRequest request) {
        return new UpstreamOutcomeUnknownException(ErrorCode.UPSTREAM_TIMEOUT, "The provider did not answer within "
                + request.timeout().toMillis() / 1000.0 + " seconds; it may still have acted on the request. "
                + "Nothing was charged");
    }

    /**
     * Failures before any byte of the request could reach the provider: no connection was made, so the provider
     * certainly did nothing. Anything else (a read timeout, a reset connection, the deadline) leaves it unknown.
     */
    private static boolean neverSent(Exception e) {
        return e instanceof ConnectTimeoutException || e instanceof ConnectException
                || e instanceof UnknownHostException || e instanceof NoRouteToHostException
                || e instanceof ConnectionRequestTimeoutException || e instanceof SSLHandshakeException;
    }

    private static byte[] read(HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        if (entity.getContentLength() > MAX_RESPONSE_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = entity.getContent()) {
            if (in == null) {
                return new byte[0];
            }
            byte[] body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            if (body.length > MAX_RESPONSE_BYTES) {
                throw tooLarge();
            }
            return body;
        }
    }

    private static TollgateException tooLarge() {
        return new TollgateException(ErrorCode.UPSTREAM_RESPONSE_TOO_LARGE,
                "The provider's response is larger than 5 MB, which Tollgate cannot return; nothing was charged",
                Map.of("limit_bytes", MAX_RESPONSE_BYTES));
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        catalogHosts.close();
        customerHosts.close();
    }
}
