package dev.tollgate.domain;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Type-prefixed identifiers ({@code acct_}, {@code key_}, {@code req_}, ...). The body starts with the creation
 * time in milliseconds (base62, fixed width) so ids sort by time, followed by 80 random bits.
 */
public final class Ids {
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    public static String newId(String prefix) {
        return newId(prefix, Instant.now());
    }

    public static String newId(String prefix, Instant at) {
        StringBuilder sb = new StringBuilder(prefix.length() + 1 + 8 + 14).append(prefix).append('_');
        appendBase62(sb, at.toEpochMilli(), 8);
        for (int i = 0; i < 14; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(62)));
        }
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

    /** True when {@code id} has the prefix and only base62 characters after it. */
    public static boolean looksLike(String id, String prefix) {
        if (id == null || !id.startsWith(prefix + "_") || id.length() > 64) {
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
