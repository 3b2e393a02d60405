package dev.tollgate.audit;

import java.util.Map;

/**
 * Append-only, hash-chained record of lifecycle events per account (SPEC §6.6). Entries carry ids and facts,
 * never a secret.
 */
public interface AuditTrail {
    AuditTrail NONE = (accountId, actor, action, objectId, details) -> { };

    void record(String accountId, String actor, String action, String objectId, Map<String, String> details);
}
