package dev.tollgate.catalog;

/**
 * Integer price arithmetic in micro-credits (1 credit = 1,000,000 µcr). Every result is rounded up, so that a
 * fraction of a micro-credit is never given away, and every multiplication is overflow-checked: an overflow is an
 * {@link ArithmeticException}, never a wrapped negative amount.
 */
public final class PriceMath {
    /** Token and character prices are quoted per this many units. */
    public static final long UNITS_PER_PRICE = 1_000L;
    /**
     * Hold heuristic: one token per this many UTF-8 bytes of the prompt's JSON. English prose runs about four
     * characters per token and the JSON syntax around it adds more bytes than the tokenizer's per-message overhead,
     * so the estimate is usually above the real count. It can be below it for prompts whose token cost is not in
     * their bytes (image URLs, file ids); capture then charges what the provider reports.
     */
    public static final long ESTIMATE_BYTES_PER_TOKEN = 4L;

    private PriceMath() {
    }

    /** ceil(tokens × microsPer1k / 1000). */
    public static long tokenCost(long tokens, long microsPer1k) {
        return perThousand(tokens, microsPer1k);
    }

    /** ceil(characters × microsPer1k / 1000). */
    public static long characterCost(long characters, long microsPer1k) {
        return perThousand(characters, microsPer1k);
    }

    /** ceil(utf8Bytes / 4): the documented input-token estimate used for holds. */
    public static long estimateTokens(long utf8Bytes) {
        if (utf8Bytes < 0) {
            throw new IllegalArgumentException("byte count must not be negative");
        }
        return ceilDiv(utf8Bytes, ESTIMATE_BYTES_PER_TOKEN);
    }

    private static long perThousand(long units, long microsPer1k) {
        if (units < 0 || microsPer1k < 0) {
            throw new IllegalArgumentException("units and price must not be negative");
        }
        return ceilDiv(Math.multiplyExact(units, microsPer1k), UNITS_PER_PRICE);
    }

    /** Ceiling division of non-negative numbers, without the overflow of {@code (a + b - 1) / b}. */
    static long ceilDiv(long a, long b) {
        long q = a / b;
        return a % b == 0 ? q : q + 1;
    }
}
