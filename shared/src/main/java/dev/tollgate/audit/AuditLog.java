package dev.tollgate.audit;

import dev.tollgate.paging.Page;

/** Reading an account's audit log, newest first, a page at a time (opaque cursor, limit ≤ 100). */
public interface AuditLog {
    Page<AuditEntry> entries(String accountId, String cursor, int limit);
}
