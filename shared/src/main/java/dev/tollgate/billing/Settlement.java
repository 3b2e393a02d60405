package dev.tollgate.billing;

/**
 * A capture as committed: its ledger entry, and the account's spendable balance right after it (all shards; with
 * more than one shard the other shards are as read just before the capture).
 */
public record Settlement(LedgerEntry entry, long availableAfter) {
}
