package dev.tollgate.execution;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The one HTTP client for provider calls (SPEC 7.4), shared by every request of a container.
 *
 * <ul>
 *   <li>Redirects are never followed (a key must not travel to another host): a 3xx comes back as a response.</li>
 *   <li>No automatic retries (a retried POST could be a second SMS or a second charge at the provider), no cookies,
 *       no system proxy.</li>
 *   <li>The operation's timeout is a hard deadline for the whole exchange, body included.</li>
 *   <li>Bodies over {@link #MAX_RESPONSE_BYTES} are refused while reading (after decompression).</li>
 *   <li>Customer-supplied hosts go through a second connection pool whose {@link GuardedDnsResolver} refuses private
 *       and link-local addresses at connect time; the pools never share a connection.</li>
 * </ul>
 */
public final class UpstreamClient implements AutoCloseable {
    /** Lambda responses are capped at 6 MB; the base64 or JSON envelope needs the rest. */
    public static final int MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
    private static final Timeout CONNECT_TIMEOUT = Timeout.ofSeconds(5);

    private final CloseableHttpClient catalogHosts;
    private final CloseableHttpClient customerHosts;
    private final ScheduledExecutorService deadlines;

    public UpstreamClient(boolean allowPrivateUpstreams) {
        this.catalogHosts = build(SystemDefaultDnsResolver.INSTANCE);
        this.customerHosts = build(new GuardedDnsResolver(allowPrivateUpstreams));
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
     *                           not be reached
     */
    public UpstreamResponse send(UpstreamRequest request) {
        return exchange(request, (response, started) -> new UpstreamResponse(response.getCode(), headers(response),
                read(response.getEntity()), (System.nanoTime() - started) / 1_000_000));
    }

    /** Reads a successful streamed body; what it returns is the provider's assembled response. */
    @FunctionalInterface
    public interface StreamReader {
        com.fasterxml.jackson.databind.JsonNode read(InputStream body) throws IOException;
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
    public Streamed stream(UpstreamRequest request, StreamReader reader) {
        return exchange(request, (response, started) -> {
            if (response.getCode() < 200 || response.getCode() >= 300) {
                return new Streamed(new UpstreamResponse(response.getCode(), headers(response),
                        read(response.getEntity()), (System.nanoTime() - started) / 1_000_000), null);
            }
            HttpEntity entity = response.getEntity();
            try (InputStream in = entity == null ? InputStream.nullInputStream() : entity.getContent()) {
                return new Streamed(null, reader.read(new CappedInputStream(in == null ? InputStream.nullInputStream() : in)));
            }
        });
    }

    @FunctionalInterface
    private interface ResponseReader<T> {
        T read(ClassicHttpResponse response, long startedNanos) throws IOException;
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
        long started = System.nanoTime();
        CloseableHttpClient client = request.customerHost() ? customerHosts : catalogHosts;
        try (ClassicHttpResponse response = client.executeOpen(null, http, null)) {
            return reader.read(response, started);
        } catch (GuardedDnsResolver.ForbiddenAddressException e) {
            throw new TollgateException(ErrorCode.UPSTREAM_ADDRESS_FORBIDDEN,
                    "The upstream URL resolves to an address Tollgate does not connect to "
                            + "(private, loopback, link-local or reserved)");
        } catch (TollgateException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            throw timeout(request);
        } catch (IOException | RuntimeException e) {
            if (expired.get() || e instanceof InterruptedIOException) {
                throw timeout(request);
            }
            throw new TollgateException(ErrorCode.UPSTREAM_ERROR,
                    "The provider could not be reached (" + e.getClass().getSimpleName() + ")");
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

    /** A streamed body, refused once more than {@link #MAX_RESPONSE_BYTES} have been read. */
    private static final class CappedInputStream extends java.io.FilterInputStream {
        private long total;

        CappedInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            total += n;
            if (total > MAX_RESPONSE_BYTES) {
                throw tooLarge();
            }
        }
    }

    private static TollgateException timeout(UpstreamRequest request) {
        return new TollgateException(ErrorCode.UPSTREAM_TIMEOUT,
                "The provider did not answer within " + request.timeout().toMillis() / 1000.0 + " seconds; nothing was charged");
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
