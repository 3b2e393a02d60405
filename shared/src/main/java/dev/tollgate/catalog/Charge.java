package dev.tollgate.catalog;

/**
 * What a successful credits-mode call costs.
 *
 * @param micros    the amount in µcr. For token pricing this is computed from the provider's reported usage and can
 *                  exceed the hold when the input estimate was low (see {@link PriceMath#ESTIMATE_BYTES_PER_TOKEN});
 *                  whether to charge the excess or cap it at the hold is the ledger's decision
 * @param usage     the consumption behind it
 * @param estimated true if the provider's response carried no readable usage and the amount is the hold
 */
public record Charge(long micros, Usage usage, boolean estimated) {
    public Charge {
        if (micros < 0) {
            throw new IllegalArgumentException("charge must not be negative");
        }
    }
}
