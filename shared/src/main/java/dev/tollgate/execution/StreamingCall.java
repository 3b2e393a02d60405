package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.log.SecretRedactor;
import java.io.IOException;
import java.io.InputStream;

/**
 * What a door that streams (the OpenAI-compatible {@code stream: true}) adds to one execution: the provider's streaming
 * switch, and the reader that forwards the provider's events to the caller as they arrive. Everything else — input
 * validation, resolution, holds, idempotency, errors, capture or release, usage — is the engine's, as for
 * {@link ToolExecutor#execute}.
 */
public interface StreamingCall {

    /** The validated input, with its output cap applied, plus the provider's streaming switch. */
    ObjectNode streamingInput(ObjectNode input);

    /** The request built from the catalog, changed where the provider streams from another endpoint. */
    default UpstreamRequest streamingRequest(UpstreamRequest request) {
        return request;
    }

    /**
     * Reads a successful (2xx) streamed answer to its end, forwarding each event to the caller, and returns the
     * provider's response as its non-streamed endpoint would have answered (usage included): pricing reads the usage
     * from it and an idempotent replay serves it.
     *
     * @param billingMode {@code byok}, {@code credits} or {@code free}, known before the first byte is forwarded
     * @param secrets     the secrets in play for the call (its provider key, the caller's API key): nothing forwarded
     *                    may carry one, whole or split across events
     * @throws IOException when the provider's stream breaks; the call then fails and its hold is released
     */
    JsonNode relay(InputStream body, String billingMode, SecretRedactor secrets) throws IOException;
}
