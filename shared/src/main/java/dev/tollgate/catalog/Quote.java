package dev.tollgate.catalog;

import java.util.Optional;

/**
 * What a credits-mode call must reserve before it goes upstream, and how the request must be limited so that the
 * reservation covers it.
 *
 * @param holdMicros           the hold amount in µcr
 * @param model                the priced model (token pricing only)
 * @param outputCap            the output-token limit to write into the request (token pricing with a cap field)
 * @param estimatedInputTokens the input-token estimate behind the hold (token pricing only, otherwise 0)
 */
public record Quote(long holdMicros, Optional<String> model, Optional<OutputCap> outputCap, long estimatedInputTokens) {
    public Quote {
        if (holdMicros < 0 || estimatedInputTokens < 0) {
            throw new IllegalArgumentException("quote must not be negative");
        }
    }

    static Quote flat(long micros) {
        return new Quote(micros, Optional.empty(), Optional.empty(), 0);
    }
}
