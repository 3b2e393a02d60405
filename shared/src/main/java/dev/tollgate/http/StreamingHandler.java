package dev.tollgate.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.io.OutputStream;

/**
 * A handler that can also answer with a response stream in Lambda's HTTP integration format ({@link
 * LambdaResponseStream}): what a Function URL in {@code RESPONSE_STREAM} mode, and the local runner, call.
 */
public interface StreamingHandler {
    void handleStreaming(APIGatewayV2HTTPEvent event, OutputStream out);
}
