package dev.tollgate.domain;

import java.util.regex.Pattern;

/**
 * Caller-supplied run ids ({@code X-Tollgate-Run} on REST and tool-calls, {@code "tollgate/run"} in MCP {@code _meta}
 * and A2A message {@code metadata}): they group calls in the run history. The shape is narrow on purpose: it travels
 * in a URL path ({@code /api/v1/runs/{run_id}}), a CSV cell and a DynamoDB key, so only characters that are safe in
 * all three are accepted.
 */
public final class RunIds {
    /** The REST header ({@code POST /api/v1/execute}, and one run for a whole {@code POST /api/v1/tool-calls}). */
    public static final String HEADER = "X-Tollgate-Run";
    /** The key in MCP {@code _meta} and in an A2A message's {@code metadata}. */
    public static final String METADATA_KEY = "tollgate/run";
    public static final int MAX_LENGTH = 128;
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0," + (MAX_LENGTH - 1) + "}");
    public static final String RULE = "1 to " + MAX_LENGTH
            + " characters of letters, digits, '.', '_', ':' and '-', starting with a letter or digit";

    private RunIds() {
    }

    public static boolean isValid(String runId) {
        return runId != null && SHAPE.matcher(runId).matches();
    }

    /** {@code runId} itself (null stays null), or {@code 400 validation_failed} at {@code pointer}. */
    public static String check(String runId, String pointer) {
        if (runId != null && !isValid(runId)) {
            throw TollgateException.validation(pointer, "a run id must be " + RULE);
        }
        return runId;
    }
}
