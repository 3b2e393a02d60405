package dev.tollgate.vault;

import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.Verify;

/**
 * Makes a provider's free verify call with a secret (SPEC 6.3). Implemented on the one guarded upstream client
 * that execution uses ({@code execution.UpstreamKeyVerifier}), so verification has the same SSRF guard, the same
 * no-redirect rule and the same auth code as a call.
 */
public interface KeyVerifier {

    /**
     * The HTTP status the provider answers; the response body is not read by the caller.
     *
     * @throws dev.tollgate.domain.TollgateException {@code upstream_redirect}, {@code upstream_timeout},
     *         {@code upstream_address_forbidden} or {@code upstream_error}
     */
    int check(Provider provider, Verify verify, Secret secret);
}
