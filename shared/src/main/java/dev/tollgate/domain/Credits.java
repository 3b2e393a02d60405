package dev.tollgate.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Credit amounts. Internally every amount is a {@code long} of micro-credits (1 credit = 1,000,000 µcr,
 * 1 credit = US$0.01); JSON shows decimal credits. Conversions are exact or they fail: no floating point.
 */
public final class Credits {
    public static final long MICROS_PER_CREDIT = 1_000_000L;
    /** Largest amount accepted in one operator top-up or adjustment: 10 million credits (US$100,000). */
    public static final long MAX_SINGLE_AMOUNT_MICROS = 10_000_000L * MICROS_PER_CREDIT;
    /** Integer digits of the largest amount a {@code long} of micro-credits holds (9.2e12 credits). */
    private static final int MAX_CREDIT_DIGITS = 13;

    private Credits() {
    }

    /** Decimal credits for JSON, without trailing zeros ({@code 100}, {@code 42.5}, {@code 0.000001}). */
    public static BigDecimal toCredits(long micros) {
        BigDecimal value = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return value.scale() < 0 ? value.setScale(0, RoundingMode.UNNECESSARY) : value;
    }

    /**
     * Parses decimal credits exactly. More than six decimal places cannot be represented and is refused rather
     * than rounded, so that what an operator types is what is booked.
     */
    public static long fromCredits(BigDecimal credits) {
        BigDecimal exact = credits.stripTrailingZeros();
        // Both checked before any arithmetic: rescaling 1e12000000 (or 1e-12000000) would build a number of twelve
        // million digits first and fail only afterwards.
        if (exact.scale() > 6) {
            throw new IllegalArgumentException("credits must have at most 6 decimal places");
        }
        if ((long) exact.precision() - exact.scale() > MAX_CREDIT_DIGITS) {
            throw new IllegalArgumentException("credits are out of range");
        }
        try {
            return exact.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("credits are out of range");
        }
    }

    public static long fromCredits(String credits) {
        return fromCredits(new BigDecimal(credits));
    }
}
