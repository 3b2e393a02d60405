package dev.tollgate.a2a;

import java.time.Instant;
import java.util.Optional;

/**
 * Finished A2A tasks, kept per account for {@code tasks/get} (SPEC 12.1: 24 hours). A task is only ever visible to
 * the account that created it: every read and write is keyed by (account, task id).
 */
public interface TaskStore {

    /** A task's JSON as stored: UTF-8, gzip-compressed when {@code gzip}. */
    record Stored(byte[] task, boolean gzip) {
    }

    /**
     * Keeps a task until {@code expiresAt}. A completed task is never replaced, so its id answers the same way for
     * its whole life; a failed one is replaced by the outcome of a retry of the same message.
     */
    void put(String accountId, String taskId, String state, byte[] task, boolean gzip, Instant now, Instant expiresAt);

    /** The task, unless it belongs to another account, never existed or has expired. */
    Optional<Stored> find(String accountId, String taskId, Instant now);
}
