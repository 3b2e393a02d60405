package dev.tollgate.functions.sweeper;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.tollgate.app.Services;
import dev.tollgate.billing.HoldSweeper;
import dev.tollgate.domain.Ids;
import dev.tollgate.log.Invocation;
import dev.tollgate.log.Log;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sweeper function, run every minute by an EventBridge schedule (SPEC 7.2): releases credit holds still open past
 * their expiry, the backstop for a container that died between reserve and capture. Stops with 10 s of its time left.
 * The EventBridge event is read as a plain map: its content does not matter, and the typed event class would pull in
 * Joda-Time.
 */
public final class SweeperHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Log LOG = Log.get(SweeperHandler.class);
    static final int MAX_PER_RUN = 5_000;
    private static final int RESERVE_MS = 10_000;

    private final HoldSweeper sweeper;

    public SweeperHandler() {
        this(Services.fromEnvironment());
    }

    public SweeperHandler(Services services) {
        this.sweeper = services.holdSweeper();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Object eventId = event == null ? null : event.get("id");
        Invocation invocation = Invocation.begin(LOG, context == null ? null : context.getFunctionName(),
                new Log.Correlation(Ids.newId("req"), context == null ? null : context.getAwsRequestId(), null,
                        eventId == null ? null : eventId.toString()));
        HoldSweeper.Result result;
        try {
            result = sweeper.sweep(MAX_PER_RUN,
                    () -> context == null || context.getRemainingTimeInMillis() > RESERVE_MS);
        } catch (RuntimeException e) {
            invocation.end("sweep failed", "error", e.getClass().getName());
            throw e;
        }
        invocation.end("sweep finished", "expired_found", result.found(), "released", result.released(),
                "already_closed", result.alreadyClosed(), "failed", result.failed());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("expired_found", result.found());
        out.put("released", result.released());
        out.put("already_closed", result.alreadyClosed());
        out.put("failed", result.failed());
        return out;
    }
}
