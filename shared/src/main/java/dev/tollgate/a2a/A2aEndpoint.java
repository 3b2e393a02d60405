package dev.tollgate.a2a;

import dev.tollgate.auth.Acting;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.ErrorResponses;
import java.util.function.BiFunction;

/**
 * The A2A door over HTTP (SPEC 12.1): the public agent card, and {@code POST /a2a} with the same bearer token as
 * REST. A request refused before any JSON-RPC is read (no or a bad token, a suspended account, a body that is not
 * sent as JSON or is too large) gets its HTTP status with a JSON-RPC error body, as on {@code /mcp}; everything after
 * that is a JSON-RPC answer with status 200.
 */
public final class A2aEndpoint {
    private final AgentCards cards;
    private final BiFunction<ApiRequest, String, Acting> gate;
    private final A2aDispatcher dispatcher;

    /**
     * @param gate authenticates the bearer token and resolves the acting account, reading the key pointers of the
     *             provider it is given in the same round trip (CustomerGate::enter)
     */
    public A2aEndpoint(AgentCards cards, BiFunction<ApiRequest, String, Acting> gate, A2aDispatcher dispatcher) {
        this.cards = cards;
        this.gate = gate;
        this.dispatcher = dispatcher;
    }

    /** {@code GET /.well-known/agent-card.json}: public, its {@code url} the one this request reached. */
    public ApiResponse card(ApiRequest request) {
        return ApiResponse.ok(cards.json(request.baseUrl())).withHeader("Cache-Control", "public, max-age=300");
    }

    /** {@code POST /a2a}. */
    public ApiResponse post(ApiRequest request) {
        try {
            Acting acting = gate.apply(request, dispatcher.providerCalledBy(request.jsonObjectIfAny().orElse(null)));
            request.requireJsonIfTyped();
            return ApiResponse.ok(dispatcher.handle(acting, request.body(), request.requestId()));
        } catch (TollgateException e) {
            return ErrorResponses.jsonRpcRejection(e, request.requestId());
        }
    }
}
