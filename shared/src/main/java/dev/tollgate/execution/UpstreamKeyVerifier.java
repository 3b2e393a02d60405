package dev.tollgate.execution;

import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.Verify;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.vault.KeyVerifier;
import dev.tollgate.vault.Secret;
import java.util.Map;

/**
 * Key verification (SPEC 6.3) through {@link Upstream}, the client execution uses: the request is built by
 * {@link CatalogAdapter} with the provider's own auth style, a customer base URL (Ollama) is checked by the SSRF
 * guard on the address actually connected to, and a redirect is refused, never followed. Errors name the provider,
 * never the URL (a {@code query:} key lives in it).
 */
public final class UpstreamKeyVerifier implements KeyVerifier {
    private final Upstream upstream;
    private final CatalogAdapter adapter = new CatalogAdapter();

    public UpstreamKeyVerifier(Upstream upstream) {
        this.upstream = upstream;
    }

    @Override
    public int check(Provider provider, Verify verify, Secret secret) {
        UpstreamResponse response;
        try {
            response = upstream.send(adapter.buildVerify(provider, verify, secret));
        } catch (TollgateException e) {
            throw reworded(provider, e);
        }
        int status = response.status();
        if (status >= 300 && status < 400) {
            throw new TollgateException(ErrorCode.UPSTREAM_REDIRECT, provider.name()
                    + " answered the verification call with a redirect, which Tollgate never follows",
                    Map.of("provider_status", status));
        }
        return status;
    }

    /** The client's errors speak of calls and charges; these say what failed: the verification call. */
    private static TollgateException reworded(Provider provider, TollgateException e) {
        String message = switch (e.code()) {
            case UPSTREAM_TIMEOUT -> provider.name() + " did not answer the verification call within "
                    + CatalogAdapter.VERIFY_TIMEOUT.toSeconds() + " seconds";
            case UPSTREAM_ERROR -> "Could not reach " + provider.name() + " for the verification call";
            case UPSTREAM_RESPONSE_TOO_LARGE -> provider.name() + " answered the verification call with more than 5 MB";
            default -> null;
        };
        return message == null ? e : new TollgateException(e.code(), message, e.details(), e.headers());
    }
}
