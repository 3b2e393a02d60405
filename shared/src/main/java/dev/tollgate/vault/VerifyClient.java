package dev.tollgate.vault;

import dev.tollgate.catalog.AuthStyle;
import dev.tollgate.catalog.PathParam;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.Verify;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Makes a provider's catalog {@code verify} call with a secret and returns the HTTP status (SPEC §6.3). Minimal on
 * purpose, until the execution engine's upstream client replaces it: redirects are never followed (a redirect is
 * {@code 502 upstream_redirect}, so a key never travels to another host), 10 s connect and request timeouts, the
 * response body is discarded. The secret goes only into the request: the URL (for {@code query:} auth) is never
 * logged or put into an error.
 *
 * <p>A customer-supplied base URL (Ollama) is resolved first and refused if any address is loopback, private,
 * link-local, CGNAT, multicast or unspecified, unless {@code TOLLGATE_ALLOW_PRIVATE_UPSTREAMS=true}. This check is
 * not at connect time (DNS rebinding); the execution engine's SSRF-safe client is the full answer (SPEC §7.4).
 */
public class VerifyClient {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final boolean allowPrivateUpstreams;

    public VerifyClient(boolean allowPrivateUpstreams) {
        this.allowPrivateUpstreams = allowPrivateUpstreams;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(TIMEOUT)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The upstream HTTP status of the verify call; an empty result when the provider has no verify call. */
    public Optional<Integer> check(Provider provider, Secret secret) {
        if (provider.verify().isEmpty()) {
            return Optional.empty();
        }
        HttpRequest request = UpstreamAuth.request(provider, provider.verify().get(), secret);
        if (provider.auth().kind() == AuthStyle.Kind.BASE_URL && !allowPrivateUpstreams) {
            refusePrivate(request.uri());
        }
        HttpResponse<Void> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new TollgateException(ErrorCode.UPSTREAM_TIMEOUT,
                    provider.name() + " did not answer the verification call within 10 seconds");
        } catch (IOException e) {
            throw new TollgateException(ErrorCode.UPSTREAM_ERROR, "Could not reach " + provider.name()
                    + " for the verification call (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TollgateException(ErrorCode.UPSTREAM_TIMEOUT, "The verification call was interrupted");
        }
        int status = response.statusCode();
        if (status >= 300 && status < 400) {
            throw new TollgateException(ErrorCode.UPSTREAM_REDIRECT, provider.name()
                    + " answered the verification call with a redirect, which Tollgate never follows",
                    Map.of("provider_status", status));
        }
        return Optional.of(status);
    }

    private static void refusePrivate(URI uri) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new TollgateException(ErrorCode.UPSTREAM_ERROR, "The key's host name does not resolve");
        }
        for (InetAddress address : addresses) {
            if (isPrivate(address)) {
                throw new TollgateException(ErrorCode.UPSTREAM_ADDRESS_FORBIDDEN,
                        "The key's URL points at a private, loopback or link-local address, which Tollgate does not call");
            }
        }
    }

    static boolean isPrivate(InetAddress a) {
        byte[] b = a.getAddress();
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second <= 127) || first >= 240;
        }
        return (b[0] & 0xfe) == 0xfc; // IPv6 unique local fc00::/7
    }

    /** How a provider's secret is attached to a request (SPEC §5 auth styles); replaceable by the execution engine. */
    public static final class UpstreamAuth {
        private UpstreamAuth() {
        }

        /** The verify request with the secret applied; the returned request must not be logged. */
        public static HttpRequest request(Provider provider, Verify verify, Secret secret) {
            String value = secret.reveal();
            String user = null;
            int colon = value.indexOf(':');
            if (provider.auth().kind() == AuthStyle.Kind.BASIC && colon > 0) {
                user = value.substring(0, colon);
            }
            Map<String, String> params = new HashMap<>();
            for (PathParam p : verify.path().params()) {
                if (p.source() == PathParam.Source.SECRET_USER && user != null) {
                    params.put(p.name(), user);
                }
            }
            String path = verify.path().expand(params);
            String base = provider.auth().kind() == AuthStyle.Kind.BASE_URL
                    ? stripSlash(value) : provider.baseUrl().orElseThrow();
            String url = base + path;
            AuthStyle auth = provider.auth();
            if (auth.kind() == AuthStyle.Kind.QUERY) {
                url += (url.contains("?") ? "&" : "?") + URLEncoder.encode(auth.parameter().orElseThrow(), StandardCharsets.UTF_8)
                        + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
            }
            HttpRequest.Builder builder;
            try {
                builder = HttpRequest.newBuilder(URI.create(url));
            } catch (IllegalArgumentException e) {
                throw new TollgateException(ErrorCode.INVALID_KEY_FORMAT, "The key does not form a valid URL for "
                        + provider.name());
            }
            builder.timeout(TIMEOUT).method(verify.method().toUpperCase(Locale.ROOT), HttpRequest.BodyPublishers.noBody())
                    .header("Accept", "application/json")
                    .header("User-Agent", "tollgate-verify/0.1");
            provider.headers().forEach(builder::header);
            switch (auth.kind()) {
                case BEARER -> builder.header("Authorization", "Bearer " + value);
                case HEADER -> builder.header(auth.parameter().orElseThrow(), value);
                case BASIC -> builder.header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
                default -> {
                    // QUERY is in the URL; BASE_URL is the URL; NONE sends nothing.
                }
            }
            return builder.build();
        }

        private static String stripSlash(String url) {
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
    }
}
