package dev.tollgate.execution;

/**
 * The one way Tollgate calls a provider, for execution and key verification alike (SPEC 7.4): redirects never
 * followed, the operation's timeout as a hard deadline, bodies capped at 5 MB, and customer-supplied hosts checked
 * by {@link AddressGuard} on the address actually connected to. {@link UpstreamClient} is the implementation; an
 * HTTP library swap replaces it and must connect only to the addresses {@link AddressGuard#resolve} returns.
 */
public interface Upstream {

    /**
     * Sends the request and reads the whole response.
     *
     * @throws dev.tollgate.domain.TollgateException {@code upstream_timeout}, {@code upstream_address_forbidden},
     *         {@code upstream_response_too_large}, or {@code upstream_error} when the provider could not be reached
     */
    UpstreamResponse send(UpstreamRequest request);

    /**
     * Sends the request and hands a 2xx body to {@code reader}, under the same rules as {@link #send}; a non-2xx
     * answer is returned as {@link UpstreamClient.Streamed#refused()}. This default reads the whole body first;
     * {@link UpstreamClient} hands it over as it arrives.
     */
    default UpstreamClient.Streamed stream(UpstreamRequest request, UpstreamClient.StreamReader reader) {
        UpstreamResponse response = send(request);
        if (!response.isSuccess()) {
            return new UpstreamClient.Streamed(response, null);
        }
        try {
            return new UpstreamClient.Streamed(null, reader.read(response.headers(), new java.io.ByteArrayInputStream(response.body())));
        } catch (java.io.IOException e) {
            throw new dev.tollgate.domain.TollgateException(dev.tollgate.domain.ErrorCode.UPSTREAM_ERROR,
                    "The provider's stream could not be read");
        }
    }
}
