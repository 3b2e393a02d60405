package dev.tollgate.billing;

import java.util.List;

/** Commits several {@link AtomicWrite}s together without a ledger movement (BYOK and free calls). */
public interface AtomicWriter {

    /** @throws CompanionConditionFailed if one of the writes failed its condition (nothing was written) */
    void commit(List<AtomicWrite> writes);
}
