package dev.tollgate.billing;

import dev.tollgate.paging.Page;
import java.time.Instant;
import java.util.function.Consumer;

/** Usage records by account and time (kept about 400 days). */
public interface UsageStore {

    /** The record as a companion of a ledger movement (capture or release). */
    AtomicWrite recordWrite(UsageRecord record);

    void record(UsageRecord record);

    /**
     * Feeds every record of the account created in [{@code from}, {@code to}) to {@code sink}, oldest first, and
     * returns how many; stops after {@code max} and returns {@code max + 1} to say the range was truncated.
     */
    long scan(String accountId, Instant from, Instant to, long max, Consumer<UsageRecord> sink);

    /** The calls sent with run id {@code runId}, oldest first, one page of at most {@code limit}. */
    Page<UsageRecord> runCalls(String accountId, String runId, String cursor, int limit);
}
