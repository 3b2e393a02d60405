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
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a function's {@code *LambdaJarIT} needs for a credits call through its jar alone: KMS (moto_server when
 * installed, else the local keyring), one provider's upstream as WireMock on loopback, and an account with credits
 * seeded through the test class path's own services. A JUnit extension: register it as a static
 * {@code @RegisterExtension} field; it starts before the class's tests, with its stubs, and stops after them.
 */
public final class JarBackends implements BeforeAllCallback, AfterAllCallback {
    private final Consumer<WireMockServer> stubs;
    private MotoServer moto;
    private WireMockServer upstream;

    private JarBackends(Consumer<WireMockServer> stubs) {
        this.stubs = stubs;
    }

    /** Backends whose upstream answers as {@code stubs} set it up. */
    public static JarBackends withUpstream(Consumer<WireMockServer> stubs) {
        return new JarBackends(stubs);
    }

    /** Tavily's search stubbed: an empty result for a request carrying {@code platformKey}. */
    public static JarBackends withTavilySearch(String platformKey) {
        return withUpstream(upstream -> upstream.stubFor(post(urlPathEqualTo("/search"))
                .withHeader("Authorization", equalTo("Bearer " + platformKey))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"results\":[]}"))));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        stubs.accept(upstream);
        moto = MotoServer.available() ? MotoServer.start() : null;
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
    public void afterAll(ExtensionContext context) {
        upstream.stop();
        if (moto != null) {
            moto.close();
        }
    }
}
