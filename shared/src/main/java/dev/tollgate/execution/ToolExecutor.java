package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.paging.Page;
import java.util.Optional;

/** The one execution engine behind REST, MCP and the OpenAI-compatible door (SPEC §7): same resolution, billing, idempotency and errors. */
public interface ToolExecutor {

    ExecutionOutcome execute(Acting acting, ExecutionRequest request);

    /**
     * The same execution with the provider's answer streamed through {@code streaming} as it arrives. A failure before
     * the stream starts is thrown as from {@link #execute}; a stream that breaks later releases the hold.
     */
    default ExecutionOutcome executeStreaming(Acting acting, ExecutionRequest request, StreamingCall streaming) {
        throw new UnsupportedOperationException("this executor does not stream");
    }

    /**
     * For a provider whose key is the customer's own server (auth {@code base_url}: Ollama), that server's answer to
     * the catalog's verify call — for Ollama, {@code GET /api/tags}, its installed models. Empty when the account
     * cannot use such a key or the server does not answer in time. A listing, not a billed call.
     */
    default Optional<JsonNode> ownServerInventory(Acting acting, String provider) {
        return Optional.empty();
    }

    /** Catalog operations for this account with the billing mode that applies now (SPEC §7.5), paginated. */
    Page<ToolView> tools(Acting acting, String cursor, int limit);
}
