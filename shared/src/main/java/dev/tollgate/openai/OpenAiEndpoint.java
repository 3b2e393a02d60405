package dev.tollgate.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.execution.ExecutionOutcome;
import dev.tollgate.execution.ExecutionRequest;
import dev.tollgate.execution.StreamingCall;
import dev.tollgate.execution.ToolExecutor;
import dev.tollgate.execution.ToolView;
import dev.tollgate.execution.UpstreamRequest;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.ResponseStream;
import dev.tollgate.json.Json;
import dev.tollgate.log.SecretRedactor;
import dev.tollgate.paging.Page;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The OpenAI-compatible door (SPEC 14.2): {@code GET /v1/models} and {@code POST /v1/chat/completions} for every chat
 * provider of the catalog. A chat request is translated into the provider's catalog operation and run by the one
 * execution engine — resolution, holds, idempotency, plan gating, errors and usage exactly as
 * {@code POST /api/v1/execute} — and the provider's answer is translated back; billing travels in
 * {@code x-tollgate-*} headers.
 */
public final class OpenAiEndpoint {
    public static final String BILLING_MODE = "x-tollgate-billing-mode";
    public static final String CREDITS_CHARGED = "x-tollgate-credits-charged";
    public static final String CREDITS_REMAINING = "x-tollgate-credits-remaining";

    private final ToolExecutor executor;
    private final BiFunction<ApiRequest, String, Acting> gate;
    private final ChatModels models;
    private final Clock clock;

    public OpenAiEndpoint(ToolExecutor executor, BiFunction<ApiRequest, String, Acting> gate, ChatModels models, Clock clock) {
        this.executor = executor;
        this.gate = gate;
        this.models = models;
        this.clock = clock;
    }

    /**
     * Every chat model this key can be served now, as {@code provider/model}: the catalog's priced models of each chat
     * provider the account reaches with its own key or with credits, and the models installed on the account's own
     * Ollama server.
     */
    public ApiResponse models(ApiRequest r) {
        Acting acting = gate.apply(r, null);
        Map<String, String> modes = new LinkedHashMap<>();
        String cursor = null;
        do {
            Page<ToolView> page = executor.tools(acting, cursor, 100);
            for (ToolView tool : page.items()) {
                models.chat(tool.tool()).filter(chat -> chat.operation().equals(tool.operation()))
                        .ifPresent(chat -> modes.put(chat.provider(), tool.billingMode()));
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        ObjectNode list = Json.object();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (ChatModels.Chat chat : models.chats()) {
            String mode = modes.get(chat.provider());
            if (!"byok".equals(mode) && !"credits".equals(mode)) {
                continue;
            }
            List<String> ids = new ArrayList<>(models.pricedModels(chat));
            if (chat.dialect() == ChatModels.Dialect.OLLAMA) {
                executor.ownServerInventory(acting, chat.provider()).ifPresent(tags ->
                        tags.path("models").forEach(m -> ids.add(m.path("name").asText())));
            }
            for (String model : ids) {
                if (model.isBlank()) {
                    continue;
                }
                ObjectNode m = data.addObject();
                m.put("id", chat.provider() + "/" + model);
                m.put("object", "model");
                m.put("created", 0);
                m.put("owned_by", chat.provider());
                m.put("billing_mode", mode);
            }
        }
        return ApiResponse.ok(list);
    }

    /** A chat completion, whole or (with {@code stream: true}) as Server-Sent Events. */
    public void chat(ApiRequest r, ResponseStream out) throws IOException {
        // The model names the provider: its key pointers come with the API key, in one read.
        Acting acting = gate.apply(r, r.jsonObjectIfAny().map(body -> body.get("model")).filter(JsonNode::isTextual)
                .map(model -> models.providerOf(model.textValue())).orElse(null));
        ChatRequest chat = ChatRequest.parse(r.jsonBody(), models);
        ChatDialect dialect = ChatDialect.of(chat.target().chat().dialect());
        Completions.Ids ids = new Completions.Ids("chatcmpl-" + r.requestId(), clock.instant().getEpochSecond(),
                chat.model());
        ExecutionRequest request = new ExecutionRequest(chat.target().chat().provider(),
                chat.target().chat().operation(), dialect.nativeInput(chat), r.header("idempotency-key").orElse(null),
                r.requestId(), chat.body());
        if (!chat.stream()) {
            ExecutionOutcome outcome = executor.execute(acting, request);
            out.write(whole(outcome, dialect, chat, ids), r.requestId());
            return;
        }
        SseStream sse = new SseStream(out, ids, r.requestId());
        ExecutionOutcome outcome;
        try {
            outcome = executor.executeStreaming(acting, request, streaming(dialect, sse));
        } catch (TollgateException e) {
            if (!sse.started()) {
                throw e;
            }
            failAfterStart(sse, e, r.requestId());
            return;
        }
        if (outcome.status() != 200) {
            out.write(storedFailure(outcome), r.requestId());
            return;
        }
        JsonNode billing = outcome.body().path("billing");
        ObjectNode completion = dialect.completion(outcome.body().path("result"), chat, ids);
        try {
            if (outcome.replayed()) {
                sse.header("Idempotent-Replayed", "true");
                sse.header(BILLING_MODE, billing.path("mode").asText());
                sse.replay(completion);
            }
            if (chat.includeUsage()) {
                sse.usage(completion.path("usage"));
            }
            billingHeaders(billing).forEach(out::lateHeader);
            sse.billing(billing);
            sse.done();
        } catch (TollgateException clientGone) {
            // Charged: the provider's whole answer was read and relayed; only the end markers were lost.
        }
    }

    private static void failAfterStart(SseStream sse, TollgateException e, String requestId) {
        if (e.code() == ErrorCode.CLIENT_CLOSED_REQUEST) {
            return;
        }
        try {
            sse.error(e, requestId);
        } catch (TollgateException clientGone) {
            // Nobody is left to tell.
        }
    }

    private static StreamingCall streaming(ChatDialect dialect, SseStream sse) {
        return new StreamingCall() {
            @Override
            public ObjectNode streamingInput(ObjectNode input) {
                return dialect.streamingInput(input);
            }

            @Override
            public UpstreamRequest streamingRequest(UpstreamRequest request) {
                return dialect.streamingRequest(request);
            }

            @Override
            public JsonNode relay(InputStream body, String billingMode, SecretRedactor secrets) throws IOException {
                sse.header(BILLING_MODE, billingMode);
                sse.redactWith(secrets);
                JsonNode assembled = dialect.relay(body, sse);
                sse.endOfProviderStream();
                return assembled;
            }
        };
    }

    private static ApiResponse whole(ExecutionOutcome outcome, ChatDialect dialect, ChatRequest chat,
                                     Completions.Ids ids) {
        if (outcome.status() != 200) {
            return storedFailure(outcome);
        }
        ApiResponse response = ApiResponse.ok(dialect.completion(outcome.body().path("result"), chat, ids));
        for (Map.Entry<String, String> header : billingHeaders(outcome.body().path("billing")).entrySet()) {
            response = response.withHeader(header.getKey(), header.getValue());
        }
        return outcome.replayed() ? response.withHeader("Idempotent-Replayed", "true") : response;
    }

    private static Map<String, String> billingHeaders(JsonNode billing) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(BILLING_MODE, billing.path("mode").asText());
        headers.put(CREDITS_CHARGED, billing.path("credits_charged").asText());
        headers.put(CREDITS_REMAINING, billing.path("credits_remaining").asText());
        return headers;
    }

    /** A replayed stored failure in Tollgate's envelope, answered in OpenAI's shape. */
    private static ApiResponse storedFailure(ExecutionOutcome outcome) {
        return ApiResponse.json(outcome.status(),
                        Map.of("error", OpenAiErrors.stored(outcome.status(), outcome.body().path("error"))))
                .withHeader("Idempotent-Replayed", "true");
    }
}
