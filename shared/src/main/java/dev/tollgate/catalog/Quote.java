package dev.tollgate.catalog;

import java.util.Objects;
import java.util.Optional;

/**
 * What a credits-mode call must reserve before it goes upstream, and how the request must be limited so that the
 * reservation covers it.
 *
 * @param holdMicros           the hold amount in µcr for the full output cap
 * @param model                the priced model (token pricing only)
 * @param outputCap            the output-token limit to write into the request (token pricing with a cap field)
 * @param estimatedInputTokens the input-token estimate behind the hold (token pricing only, otherwise 0)
 * @param sizing               how the hold shrinks to a smaller balance by lowering the output cap; empty when the
 *                             price is fixed before the call (per call, per character, no output price)
 */
public record Quote(long holdMicros, Optional<String> model, Optional<OutputCap> outputCap, long estimatedInputTokens,
                    Optional<OutputSizing> sizing) {

    /**
     * A token-priced hold: {@code fixedMicros} (the input estimate) plus the output price of {@code choices}
     * completions of at most the cap each. The cap may be lowered to what the balance affords, down to
     * {@code minimumTokens}, never raised.
     *
     * @param capSetByCaller true when the cap is the caller's own limit rather than the catalog default
     */
    public record OutputSizing(long fixedMicros, long outputMicrosPer1k, long choices, long minimumTokens,
                               boolean capSetByCaller) {
        public OutputSizing {
            if (fixedMicros < 0 || outputMicrosPer1k < 1 || choices < 1 || minimumTokens < 1) {
                throw new IllegalArgumentException("sizing needs a positive output price, choices and minimum");
            }
        }

        long holdFor(long maxOutputTokens) {
            return Math.addExact(fixedMicros,
                    PriceMath.tokenCost(Math.multiplyExact(maxOutputTokens, choices), outputMicrosPer1k));
        }

        /** The largest cap whose hold fits in {@code heldMicros}. */
        long tokensWithin(long heldMicros) {
            long forOutput = heldMicros - fixedMicros;
            if (forOutput <= 0) {
                return 0;
            }
            // tokenCost(t) = ceil(t × price / 1000) ≤ forOutput  ⇔  t ≤ floor(forOutput × 1000 / price)
            long total = Math.multiplyExact(forOutput, PriceMath.UNITS_PER_PRICE) / outputMicrosPer1k;
            return total / choices;
        }
    }

    public Quote {
        Objects.requireNonNull(sizing, "sizing");
        if (holdMicros < 0 || estimatedInputTokens < 0) {
            throw new IllegalArgumentException("quote must not be negative");
        }
        if (sizing.isPresent() && outputCap.isEmpty()) {
            throw new IllegalArgumentException("sizing needs an output cap");
        }
    }

    static Quote flat(long micros) {
        return new Quote(micros, Optional.empty(), Optional.empty(), 0, Optional.empty());
    }

    /** The smallest hold worth the call: the minimum output tokens, or the whole price when it cannot shrink. */
    public long minimumHoldMicros() {
        return sizing.map(s -> s.holdFor(Math.min(s.minimumTokens(), outputCap.orElseThrow().maxOutputTokens())))
                .orElse(holdMicros);
    }

    /**
     * The output cap a hold of {@code heldMicros} covers: the quoted cap when the hold is the full quote, otherwise
     * that cap lowered to the tokens the hold pays for (never below the minimum, which the hold covers).
     */
    public Optional<OutputCap> outputCapWithin(long heldMicros) {
        if (sizing.isEmpty() || heldMicros >= holdMicros) {
            return outputCap;
        }
        OutputCap full = outputCap.orElseThrow();
        long tokens = Math.min(full.maxOutputTokens(), sizing.get().tokensWithin(heldMicros));
        if (tokens < 1) {
            throw new IllegalArgumentException("a hold below the minimum covers no output");
        }
        return Optional.of(new OutputCap(tokens, full.pointers()));
    }

    /** Who set the output limit of a call held at {@code heldMicros}: {@code balance}, {@code caller} or {@code catalog}. */
    public Optional<String> outputCapSetBy(long heldMicros) {
        if (outputCap.isEmpty()) {
            return Optional.empty();
        }
        if (sizing.isPresent() && outputCapWithin(heldMicros).orElseThrow().maxOutputTokens()
                < outputCap.get().maxOutputTokens()) {
            return Optional.of("balance");
        }
        return Optional.of(sizing.map(OutputSizing::capSetByCaller).orElse(false) ? "caller" : "catalog");
    }
}
