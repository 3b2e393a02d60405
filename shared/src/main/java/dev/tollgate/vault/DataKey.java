package dev.tollgate.vault;

import java.util.Arrays;

/** A freshly generated data key: plaintext (zeroed on {@link #close()}), its wrapped form and the master key id. */
public final class DataKey implements AutoCloseable {
    private final byte[] plaintext;
    private final byte[] wrapped;
    private final String masterKeyId;

    public DataKey(byte[] plaintextTakenOver, byte[] wrapped, String masterKeyId) {
        this.plaintext = plaintextTakenOver;
        this.wrapped = wrapped;
        this.masterKeyId = masterKeyId;
    }

    /** The live plaintext array (not a copy): use it inside the try-with-resources block only. */
    byte[] plaintext() {
        return plaintext;
    }

    public byte[] wrapped() {
        return wrapped.clone();
    }

    public String masterKeyId() {
        return masterKeyId;
    }

    @Override
    public void close() {
        Arrays.fill(plaintext, (byte) 0);
    }

    @Override
    public String toString() {
        return "DataKey[" + masterKeyId + "]";
    }
}
