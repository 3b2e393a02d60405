package dev.tollgate.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Tollgate API key tokens: {@code tg_live_} or {@code tg_test_}, the account the key belongs to (one letter for its
 * kind, {@code a} for {@code acct_} and {@code w} for {@code ws_}, then the id's 24 base62 characters in reverse
 * order, so that a token shares no run of characters with the logs and items that name its account and leak scanners
 * that look for runs of a token do not fire on those), 32 CSPRNG bytes in base62 (43 characters), and a 6-character
 * base62 CRC32 checksum of all of it, so that typos and leaked-token scanners can recognise a token offline. Only
 * {@link #hash(String)} of a token is ever stored.
 *
 * <p>The account id lets a request read the key, the account and its balance in one batched round trip (SPEC
 * §11.4); it is no secret and grants nothing (the hash is still the lookup key, and the stored key must name the
 * same account). Tokens of the first format (no account part, 49 characters after the prefix) are still accepted,
 * at the cost of one more read per request; they are not issued any more.
 */
public final class ApiKeyTokens {
    public static final String LIVE_PREFIX = "tg_live_";
    public static final String TEST_PREFIX = "tg_test_";
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int BODY_LENGTH = 43;
    private static final int CHECKSUM_LENGTH = 6;
    private static final int ACCOUNT_LENGTH = 1 + 24;
    private static final Pattern SHAPE = Pattern.compile("tg_(?:live|test)_(?:[0-9A-Za-z]{"
            + (BODY_LENGTH + CHECKSUM_LENGTH) + "}|[aw][0-9A-Za-z]{" + (ACCOUNT_LENGTH - 1 + BODY_LENGTH + CHECKSUM_LENGTH)
            + "})");
    private static final Pattern ACCOUNT_ID = Pattern.compile("(acct|ws)_([0-9A-Za-z]{24})");
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyTokens() {
    }

    /** A first-format token (no account part): for tests of what is still accepted. */
    public static String generate(String prefix) {
        return generate(prefix, null);
    }

    /** A new token of the key of {@code accountId}; an id not of Tollgate's shape gives a first-format token. */
    public static String generate(String prefix, String accountId) {
        if (!LIVE_PREFIX.equals(prefix) && !TEST_PREFIX.equals(prefix)) {
            throw new IllegalArgumentException("token prefix must be tg_live_ or tg_test_");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        var account = accountId == null ? null : ACCOUNT_ID.matcher(accountId);
        String accountPart = account != null && account.matches()
                ? ("acct".equals(account.group(1)) ? "a" : "w") + reversed(account.group(2)) : "";
        return withChecksum(prefix + accountPart + base62(new BigInteger(1, random), BODY_LENGTH));
    }

    /** The account a well-formed token names, or empty for a first-format token. */
    public static Optional<String> accountOf(String token) {
        int start = token.indexOf('_', 3) + 1;
        if (token.length() - start != ACCOUNT_LENGTH + BODY_LENGTH + CHECKSUM_LENGTH) {
            return Optional.empty();
        }
        String kind = token.charAt(start) == 'a' ? "acct_" : "ws_";
        return Optional.of(kind + reversed(token.substring(start + 1, start + ACCOUNT_LENGTH)));
    }

    private static String reversed(String s) {
        return new StringBuilder(s).reverse().toString();
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
