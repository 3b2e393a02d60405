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
        try {
            return credits.movePointRight(6).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("credits must have at most 6 decimal places and fit in range");
        }
    }

    public static long fromCredits(String credits) {
        return fromCredits(new BigDecimal(credits));
    }
}
