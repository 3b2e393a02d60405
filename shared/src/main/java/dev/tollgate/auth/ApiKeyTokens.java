package dev.tollgate.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Tollgate API key tokens: {@code tg_live_} or {@code tg_test_}, 32 CSPRNG bytes in base62 (43 characters), and a
 * 6-character base62 CRC32 checksum so that typos and leaked-token scanners can recognise a token offline.
 * Only {@link #hash(String)} of a token is ever stored.
 */
public final class ApiKeyTokens {
    public static final String LIVE_PREFIX = "tg_live_";
    public static final String TEST_PREFIX = "tg_test_";
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int BODY_LENGTH = 43;
    private static final int CHECKSUM_LENGTH = 6;
    private static final Pattern SHAPE = Pattern.compile("tg_(?:live|test)_[0-9A-Za-z]{" + (BODY_LENGTH + CHECKSUM_LENGTH) + "}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyTokens() {
    }

    public static String generate(String prefix) {
        if (!LIVE_PREFIX.equals(prefix) && !TEST_PREFIX.equals(prefix)) {
            throw new IllegalArgumentException("token prefix must be tg_live_ or tg_test_");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return withChecksum(prefix + base62(new BigInteger(1, random), BODY_LENGTH));
    }

    /** A prefix and body completed with their checksum: the token's last 6 characters. */
    public static String withChecksum(String prefixAndBody) {
        return prefixAndBody + checksum(prefixAndBody);
    }

    /** Shape and checksum only; says nothing about whether the token exists. */
    public static boolean isWellFormed(String token) {
        if (token == null || !SHAPE.matcher(token).matches()) {
            return false;
        }
        int split = token.length() - CHECKSUM_LENGTH;
        return MessageDigest.isEqual(
                checksum(token.substring(0, split)).getBytes(StandardCharsets.US_ASCII),
                token.substring(split).getBytes(StandardCharsets.US_ASCII));
    }

    /** Lower-case hex SHA-256 of the whole token: the lookup key in the API keys table. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A display form safe to show in lists: prefix and last four characters. */
    public static String hint(String token) {
        return token.substring(0, token.indexOf('_', 3) + 1) + "…" + token.substring(token.length() - 4);
    }

    private static String checksum(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.US_ASCII));
        return base62(BigInteger.valueOf(crc.getValue()), CHECKSUM_LENGTH);
    }

    private static String base62(BigInteger value, int width) {
        char[] out = new char[width];
        BigInteger base = BigInteger.valueOf(62);
        for (int i = width - 1; i >= 0; i--) {
            BigInteger[] qr = value.divideAndRemainder(base);
            out[i] = ALPHABET.charAt(qr[1].intValue());
            value = qr[0];
        }
        return new String(out);
    }
}
