package dev.tollgate.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One audit entry (SPEC §6.6): position {@code seq} (1, 2, 3, ... per account), time, actor, action, object id and
 * non-secret details, chained to its predecessor by {@code prevHash}; {@code hash} is {@link AuditChain#hash} of the
 * other fields.
 */
public record AuditEntry(String accountId, long seq, Instant at, String actor, String action, String objectId,
                         Map<String, String> details, String prevHash, String hash) {
    public AuditEntry {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        objectId = objectId == null ? "" : objectId;
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(details));
        Objects.requireNonNull(prevHash, "prevHash");
    }

    /** A new entry after {@code previous} (or the first one), with its hash computed. */
    public static AuditEntry next(String accountId, AuditEntry previousOrNull, Instant at, String actor, String action,
                                  String objectId, Map<String, String> details) {
        long seq = previousOrNull == null ? 1 : previousOrNull.seq() + 1;
        String prev = previousOrNull == null ? AuditChain.GENESIS : previousOrNull.hash();
        AuditEntry unhashed = new AuditEntry(accountId, seq, at, actor, action, objectId, details, prev, "");
        return unhashed.withHash(AuditChain.hash(unhashed));
    }

    public AuditEntry withHash(String newHash) {
        return new AuditEntry(accountId, seq, at, actor, action, objectId, details, prevHash, newHash);
    }
}
