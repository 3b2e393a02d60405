package dev.tollgate.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.auth.Acting;
import dev.tollgate.billing.UsageRecord;
import dev.tollgate.billing.UsageStore;
import dev.tollgate.catalog.Usage;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import dev.tollgate.log.Log;
import dev.tollgate.execution.PayerResolver.Payer;

/** What a call leaves behind (SPEC 7.1, 8.6): the caller's answer with its billing object, and the usage record. */
final class Receipts {
    private static final Log LOG = Log.get(Receipts.class);

    private final UsageStore usage;

    Receipts(UsageStore usage) {
        this.usage = usage;
    }

    static ObjectNode successBody(CallAttempt a, JsonNode result, long charged, long available, Usage used) {
        ObjectNode body = Json.object();
        body.set("result", result);
        ObjectNode billing = body.putObject("billing");
        Payer r = a.payer;
        billing.put("mode", r.mode().wire());
        billing.put("credits_charged", Credits.toCredits(charged));
        billing.put("provider", a.provider.id());
        billing.put("key_source", r.keySource());
        billing.put("byok_key_id", r.key() == null ? null : r.key().id());
        billing.put("credits_remaining", Credits.toCredits(available));
        if (a.outputCap != null) {
            ObjectNode cap = billing.putObject("output_cap");
            cap.put("max_output_tokens", a.outputCap.maxOutputTokens());
            cap.put("set_by", a.outputCapSetBy);
        }
        ObjectNode u = billing.putObject("usage");
        u.put("input_tokens", used.inputTokens());
        u.put("output_tokens", used.outputTokens());
        if (used.characters() > 0) {
            u.put("characters", used.characters());
        }
        billing.put("request_id", a.requestId);
        return body;
    }

    static UsageRecord okRecord(CallAttempt a, Usage used, long charged, long uncharged) {
        return record(a, "ok", 200, null, used, charged, uncharged);
    }

    static UsageRecord failureRecord(CallAttempt a, RuntimeException e) {
        int status = e instanceof TollgateException te ? te.status() : 500;
        String code = e instanceof TollgateException te ? te.code().code() : ErrorCode.INTERNAL_ERROR.code();
        return record(a, "error", status, code, Usage.NONE, 0, 0);
    }

    private static UsageRecord record(CallAttempt a, String status, int httpStatus, String errorCode, Usage used, long charged,
                               long uncharged) {
        Payer r = a.payer;
        return new UsageRecord(a.accountId(), Ids.newId("use", a.at), a.requestId, a.at, a.provider.id(),
                a.operation.id(), r == null ? "none" : r.mode().wire(), status, httpStatus, errorCode, a.elapsedMs(),
                a.upstreamMs, used.inputTokens(), used.outputTokens(), used.characters(), charged, uncharged,
                r == null || r.key() == null ? null : r.key().id(), r == null ? null : r.keySource(), a.model,
                a.holdId, a.acting.caller() == null ? null : a.acting.caller().keyId(), agentId(a.acting),
                a.request.runId());
    }

    private static String agentId(Acting acting) {
        return acting.caller() != null && acting.caller().isAgent() ? acting.caller().principalId() : null;
    }

    void recordQuietly(UsageRecord record) {
        try {
            usage.record(record);
        } catch (RuntimeException e) {
            LOG.error("writing a usage record failed", e, "account_id", record.accountId());
        }
    }
}
