package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.domain.RunIds;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import dev.tollgate.http.ApiResponse;
import dev.tollgate.http.Bodies;

/**
 * The JSON of the REST door to the engine ({@code POST /api/v1/execute}, SPEC 7): the request body read into an
 * {@link ExecutionRequest}, the outcome written back. MCP, A2A and the OpenAI door have their own shapes over the
 * same {@link ToolExecutor}.
 */
public final class ExecuteApi {
    private static final int MAX_ID = 64;

    private ExecuteApi() {
    }

    public static ApiResponse execute(ToolExecutor executor, Acting acting, ApiRequest r) {
        JsonNode body = r.jsonBody();
        String workspace = Bodies.optionalString(body, "workspace", MAX_ID).orElse(null);
        if (workspace != null && !workspace.equals(acting.accountId())) {
            throw TollgateException.notFound("Workspace");
        }
        JsonNode input = body.get("input");
        ExecutionRequest request = new ExecutionRequest(Bodies.requireString(body, "tool", MAX_ID),
                Bodies.requireString(body, "operation", MAX_ID), input,
                r.header("idempotency-key").orElse(null), r.requestId(), body, runId(r));
        ExecutionOutcome outcome = executor.execute(acting, request);
        ApiResponse response = ApiResponse.json(outcome.status(), outcome.body());
        return outcome.replayed() ? response.withHeader("Idempotent-Replayed", "true") : response;
    }

    /** The body's tool (its provider), so the gate reads that provider's key pointers with the API key. */
    public static String toolNamed(ApiRequest r) {
        return r.jsonObjectIfAny().map(body -> body.get("tool")).filter(JsonNode::isTextual).map(JsonNode::asText)
                .orElse(null);
    }

    /** Groups the call, or every call of a tool-calls batch, into a run of the run history (GET /api/v1/runs). */
    public static String runId(ApiRequest r) {
        return RunIds.check(r.header(RunIds.HEADER).orElse(null), "/headers/" + RunIds.HEADER);
    }
}
