package dev.tollgate.functions.openai;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tollgate.app.Services;
import dev.tollgate.execution.ExecutionService;
import dev.tollgate.http.LambdaResponseStream;
import dev.tollgate.http.Router;
import dev.tollgate.http.StreamingHandler;
import dev.tollgate.openai.OpenAiEndpoint;
import dev.tollgate.openai.OpenAiErrors;
import java.io.OutputStream;

/**
 * OpenAI function (SPEC 14.2): {@code GET /v1/models} and {@code POST /v1/chat/completions}, answered in OpenAI's shapes
 * (errors included) by {@link OpenAiEndpoint} over the same execution engine as {@code POST /api/v1/execute}. Behind
 * the HTTP API a streamed completion is returned whole; invoked with a response stream (the local runner, or a
 * Function URL in {@code RESPONSE_STREAM} mode, docs/DEPLOY.md) its chunks go out as they arrive.
 */
public final class OpenAiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>,
        StreamingHandler {
    private final Router router;

    /** Lambda's constructor: also compiles the input schemas now, so SnapStart snapshots them compiled. */
    public OpenAiHandler() {
        this(Services.fromEnvironment());
        if (Services.fromEnvironment().toolExecutor() instanceof ExecutionService execution) {
            execution.warmUp();
        }
    }

    public OpenAiHandler(Services services) {
        OpenAiEndpoint openai = services.openAiEndpoint();
        this.router = new Router(OpenAiErrors::from)
                .route("GET /v1/models", openai::models)
                .streamingRoute("POST /v1/chat/completions", openai::chat);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return router.handle(event, context);
    }

    @Override
    public void handleStreaming(APIGatewayV2HTTPEvent event, OutputStream out) {
        router.handleStreaming(event, new LambdaResponseStream(out));
    }
}
