package dev.tollgate.domain;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Type-prefixed identifiers ({@code acct_}, {@code key_}, {@code req_}, ...). The body starts with the creation
 * time in microseconds (base62, fixed width; strictly increasing within a process) so ids sort by time, followed
 * by 83 random bits.
 */
public final class Ids {
    /** Longest id accepted anywhere; ours are far shorter (prefix + 25 characters). */
    public static final int MAX_LENGTH = 64;
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final java.util.concurrent.atomic.AtomicLong LAST_MICROS = new java.util.concurrent.atomic.AtomicLong();

    private Ids() {
    }

    public static String newId(String prefix) {
        return newId(prefix, Instant.now());
    }

    public static String newId(String prefix, Instant at) {
        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
        long monotonic = LAST_MICROS.updateAndGet(last -> Math.max(last + 1, micros));
        // Ids for a moment far in the past (tests) keep their own time instead of the monotonic clock.
        long stamp = micros < monotonic - 1_000_000L ? micros : monotonic;
        StringBuilder sb = new StringBuilder(prefix.length() + 1 + 10 + 14).append(prefix).append('_');
        appendBase62(sb, stamp, 10);
        for (int i = 0; i < 14; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(62)));
        }
        return sb.toString();
    }

    /**
     * The time part an id created at {@code at} starts with ({@code prefix_} + 10 characters), without the random
     * part: a bound for range queries over time-sortable ids. Does not advance the monotonic clock.
     */
    public static String timePrefix(String prefix, Instant at) {
        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
        StringBuilder sb = new StringBuilder(prefix.length() + 11).append(prefix).append('_');
        appendBase62(sb, Math.max(0, micros), 10);
        return sb.toString();
    }

    private static void appendBase62(StringBuilder sb, long value, int width) {
        char[] digits = new char[width];
        for (int i = width - 1; i >= 0; i--) {
            digits[i] = ALPHABET.charAt((int) (value % 62));
            value /= 62;
        }
        sb.append(digits);
    }

    /**
     * True when {@code value} could name something: 1 to {@value #MAX_LENGTH} of {@code [A-Za-z0-9_-]}, which covers
     * every id of ours ({@code prefix_} + base62) and every catalog id ({@code openai}, {@code context7}).
     */
    public static boolean isIdShaped(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c == '_' || c == '-' || ALPHABET.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code id} has the prefix and only base62 characters after it. */
    public static boolean looksLike(String id, String prefix) {
        if (id == null || !id.startsWith(prefix + "_") || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = prefix.length() + 1; i < id.length(); i++) {
            if (ALPHABET.indexOf(id.charAt(i)) < 0) {
                return false;
            }
        }
        return id.length() > prefix.length() + 1;
    }
}
