package dev.tollgate.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.domain.Plan;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.MotoServer;
import java.util.Locale;
import java.util.Map;

/**
 * What a function's {@code *LambdaJarIT} needs for a credits call through its jar alone: KMS (moto_server when
 * installed, else the local keyring), one provider's upstream as WireMock on loopback, and an account with credits
 * seeded through the test class path's own services. Start it in {@code @BeforeAll}, stub {@link #upstream()}, close
 * it in {@code @AfterAll}.
 */
public final class JarBackends implements AutoCloseable {
    private final MotoServer moto;
    private final WireMockServer upstream;

    private JarBackends(MotoServer moto, WireMockServer upstream) {
        this.moto = moto;
        this.upstream = upstream;
    }

    public static JarBackends start() {
        WireMockServer upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        return new JarBackends(MotoServer.available() ? MotoServer.start() : null, upstream);
    }

    /** Started, with Tavily's search stubbed: an empty result for a request carrying {@code platformKey}. */
    public static JarBackends startWithTavilySearch(String platformKey) {
        JarBackends backends = start();
        backends.upstream.stubFor(post(urlPathEqualTo("/search"))
                .withHeader("Authorization", equalTo("Bearer " + platformKey))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"results\":[]}")));
        return backends;
    }

    public WireMockServer upstream() {
        return upstream;
    }

    /** The configuration the jar's handler is built from, the services that seeded it, and a paying customer. */
    public record Seeded(Config config, Services services, LambdaJarChecks.Customer customer) {
    }

    /** {@code provider} pointed at the upstream with {@code platformKey} registered; a PRO customer with credits. */
    public Seeded seed(DynamoExtension dynamo, String provider, String platformKey, long micros) {
        Config config = TestServices.configWithKms(dynamo, moto, Map.of(
                "TOLLGATE_UPSTREAM_" + provider.toUpperCase(Locale.ROOT) + "_URL", upstream.baseUrl(),
                "TOLLGATE_ALLOW_PRIVATE_UPSTREAMS", "true"));
        Services services = Services.create(config);
        services.keyRegistry().setPlatformKey("test", provider, platformKey);
        return new Seeded(config, services, LambdaJarChecks.customer(services, Plan.PRO, micros));
    }

    @Override
    public void close() {
        upstream.stop();
        if (moto != null) {
            moto.close();
        }
    }
}
