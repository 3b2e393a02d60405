package dev.tollgate.billing;

/**
 * A capture as committed: its ledger entry, and the account's spendable balance after it as the call saw it — the
 * balance its caller read before the reserve (or, without one, read just before the capture), less what this call was
 * charged. Movements of other calls running at the same time on the same account are not in it.
 */
public record Settlement(LedgerEntry entry, long availableAfter) {
}
