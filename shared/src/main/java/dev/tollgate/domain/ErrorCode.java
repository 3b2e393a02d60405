package dev.tollgate.domain;

/**
 * Every error code Tollgate returns, with its HTTP status. Codes are part of the public API: never rename one.
 * docs/ERRORS.md documents each (a unit test keeps the two in step).
 */
public enum ErrorCode {
    INVALID_JSON(400, "invalid_json"),
    VALIDATION_FAILED(400, "validation_failed"),
    INVALID_KEY_FORMAT(400, "invalid_key_format"),
    UNKNOWN_PROVIDER(400, "unknown_provider"),
    PROVIDER_NOT_BYOK(400, "provider_not_byok"),
    UNKNOWN_TOOL(400, "unknown_tool"),
    BYOK_REQUIRED(400, "byok_required"),
    MODEL_NOT_PRICED(400, "model_not_priced"),
    UPSTREAM_REJECTED_REQUEST(400, "upstream_rejected_request"),
    UPSTREAM_ADDRESS_FORBIDDEN(400, "upstream_address_forbidden"),
    INVALID_CURSOR(400, "invalid_cursor"),
    UNSUPPORTED_PROTOCOL_VERSION(400, "unsupported_protocol_version"),
    BATCH_TOO_LARGE(400, "batch_too_large"),
    UNAUTHORIZED(401, "unauthorized"),
    INSUFFICIENT_CREDITS(402, "insufficient_credits"),
    FORBIDDEN(403, "forbidden"),
    PLAN_REQUIRED(403, "plan_required"),
    ACCOUNT_SUSPENDED(403, "account_suspended"),
    ORIGIN_NOT_ALLOWED(403, "origin_not_allowed"),
    NOT_FOUND(404, "not_found"),
    MODEL_NOT_FOUND(404, "model_not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    NOT_ACCEPTABLE(406, "not_acceptable"),
    CONFLICT(409, "conflict"),
    REQUEST_IN_PROGRESS(409, "request_in_progress"),
    OUTCOME_UNKNOWN(409, "outcome_unknown"),
    KEY_IN_USE(409, "key_in_use"),
    LAST_ADMIN(409, "last_admin"),
    PAYLOAD_TOO_LARGE(413, "payload_too_large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    IDEMPOTENCY_KEY_REUSED(422, "idempotency_key_reused"),
    BYOK_KEY_REJECTED(424, "byok_key_rejected"),
    UPSTREAM_RATE_LIMITED(429, "upstream_rate_limited"),
    PAID_CALL_LIMIT_EXCEEDED(429, "paid_call_limit_exceeded"),
    CLIENT_CLOSED_REQUEST(499, "client_closed_request"),
    INTERNAL_ERROR(500, "internal_error"),
    UPSTREAM_ERROR(502, "upstream_error"),
    UPSTREAM_REDIRECT(502, "upstream_redirect"),
    PROVIDER_AUTH_FAILED(502, "provider_auth_failed"),
    UPSTREAM_RESPONSE_TOO_LARGE(502, "upstream_response_too_large"),
    PROVIDER_UNAVAILABLE(503, "provider_unavailable"),
    TIME_BUDGET_EXHAUSTED(503, "time_budget_exhausted"),
    TEMPORARILY_UNAVAILABLE(503, "temporarily_unavailable"),
    UPSTREAM_TIMEOUT(504, "upstream_timeout");

    private final int status;
    private final String code;

    ErrorCode(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
