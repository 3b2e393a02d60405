package dev.tollgate.catalog;

/** A model's token prices in micro-credits per 1,000 tokens. */
public record ModelPrice(long inputMicrosPer1k, long outputMicrosPer1k) {
    public ModelPrice {
        if (inputMicrosPer1k < 0 || outputMicrosPer1k < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }
}
