package dev.tollgate.vault;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A decrypted provider secret, alive only inside {@link KeyVault#useSecret} / {@link KeyVault#usePlatformSecret}.
 * The bytes are zeroed on {@link #close()}; {@link #toString()} never shows them. {@link #reveal()} exists only for
 * the HTTP boundary (headers need a String), and its result must not be stored or logged.
 */
public final class Secret implements AutoCloseable {
    private final byte[] bytes;
    private boolean closed;

    public Secret(byte[] plaintextTakenOver) {
        this.bytes = plaintextTakenOver;
    }

    public String reveal() {
        if (closed) {
            throw new IllegalStateException("secret already wiped");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public int length() {
        return bytes.length;
    }

    @Override
    public void close() {
        Arrays.fill(bytes, (byte) 0);
        closed = true;
    }

    @Override
    public String toString() {
        return "Secret[redacted]";
    }
}
