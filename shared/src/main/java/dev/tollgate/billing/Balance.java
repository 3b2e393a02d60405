package dev.tollgate.billing;

/** An account's credit position in micro-credits: spendable now, and reserved by open holds. */
public record Balance(long available, long held) {
}
