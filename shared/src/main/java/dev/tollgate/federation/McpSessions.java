package dev.tollgate.federation;

import dev.tollgate.catalog.AuthStyle;
import dev.tollgate.catalog.Provider;
import dev.tollgate.execution.UpstreamClient;
import dev.tollgate.mcp.McpJson;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Opens sessions with federated MCP servers through the official MCP Java SDK: its sync client over its Streamable
 * HTTP transport, one session per use (a tool listing, or one tool call), so that nothing one customer does in a
 * session (a stateful server such as Playwright keeps pages open) is seen by another.
 *
 * <p>All sessions share one {@code java.net.http} client: HTTP/1.1 (no h2c upgrade, which some servers refuse),
 * redirects never followed (a token must not travel to another host), connect timeout 5 s, no proxy or cookies.
 * The SDK builds a new client (with its own selector thread) per transport; the builder handed to it returns the
 * shared one instead.
 */
final class McpSessions {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Tollgate declares no outputSchema and passes structured content through; there is nothing to check it against. */
    private static final JsonSchemaValidator OUTPUT_NOT_CHECKED =
            (schema, content) -> JsonSchemaValidator.ValidationResponse.asValid(null);

    /** Built on first use: a container whose catalog servers are never called starts no selector thread. */
    private volatile HttpClient http;
    private final McpSchema.Implementation clientInfo;

    McpSessions(String tollgateVersion) {
        this.clientInfo = new McpSchema.Implementation("tollgate", "Tollgate", tollgateVersion);
    }

    /**
     * A client for {@code endpoint} (not yet initialised); the caller closes it.
     *
     * @param token the BYOK or platform token, or null for a server without auth
     */
    McpSyncClient open(Provider provider, String endpoint, String token, Duration initializationTimeout,
                       Duration requestTimeout) {
        return open(provider.auth(), provider.headers(), endpoint, token, initializationTimeout, requestTimeout);
    }

    /** Builds (and closes) a client without connecting: loads the SDK's client, transport and reactor classes. */
    void warmUp() {
        open(new AuthStyle(AuthStyle.Kind.NONE, java.util.Optional.empty()), Map.of(), "http://127.0.0.1:9/mcp", null,
                Duration.ofSeconds(1), Duration.ofSeconds(1)).close();
        reactor.core.publisher.Mono.just(1).block();
    }

    private McpSyncClient open(AuthStyle auth, Map<String, String> headers, String endpoint, String token,
                               Duration initializationTimeout, Duration requestTimeout) {
        URI uri = URI.create(endpoint);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder(uri.getScheme() + "://" + uri.getRawAuthority())
                .endpoint(path)
                .clientBuilder(new SharedClient(http()))
                .jsonMapper(McpJson.SDK)
                .maxResponseSize(UpstreamClient.MAX_RESPONSE_BYTES)
                .customizeRequest(request -> {
                    headers.forEach(request::header);
                    authorize(request, auth, token);
                })
                .build();
        return McpClient.sync(transport)
                .clientInfo(clientInfo)
                .initializationTimeout(initializationTimeout)
                .requestTimeout(requestTimeout)
                .jsonSchemaValidator(OUTPUT_NOT_CHECKED)
                .build();
    }

    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(CONNECT_TIMEOUT)
                            .build();
                    http = client;
                }
            }
        }
        return client;
    }

    private static void authorize(HttpRequest.Builder request, AuthStyle auth, String token) {
        if (token == null) {
            return;
        }
        switch (auth.kind()) {
            case BEARER -> request.header("Authorization", "Bearer " + token);
            case HEADER -> request.header(auth.parameter().orElseThrow(), token);
            default -> {
                // The catalog only admits none, bearer and header:<Name> for MCP servers.
            }
        }
    }

    /** Hands the SDK's transport the container's one HTTP client; its own settings are those of the shared client. */
    private record SharedClient(HttpClient client) implements HttpClient.Builder {
        @Override
        public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
            return this;
        }

        @Override
        public HttpClient.Builder connectTimeout(Duration duration) {
            return this;
        }

        @Override
        public HttpClient.Builder sslContext(SSLContext sslContext) {
            return this;
        }

        @Override
        public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
            return this;
        }

        @Override
        public HttpClient.Builder executor(Executor executor) {
            return this;
        }

        @Override
        public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
            return this;
        }

        @Override
        public HttpClient.Builder version(HttpClient.Version version) {
            return this;
        }

        @Override
        public HttpClient.Builder priority(int priority) {
            return this;
        }

        @Override
        public HttpClient.Builder proxy(ProxySelector proxySelector) {
            return this;
        }

        @Override
        public HttpClient.Builder authenticator(Authenticator authenticator) {
            return this;
        }

        @Override
        public HttpClient build() {
            return client;
        }
    }
}
