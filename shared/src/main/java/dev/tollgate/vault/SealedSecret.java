package dev.tollgate.vault;

import java.util.Arrays;
import java.util.Objects;

/**
 * A secret as stored (SPEC §6.4): AES-256-GCM {@code ciphertext} (with its 128-bit tag appended), the 96-bit
 * {@code nonce}, the KMS-wrapped data key, the id of the master key that wraps it and the scheme version. Nothing in
 * it is sensitive without the master key and the exact encryption context.
 */
public record SealedSecret(byte[] ciphertext, byte[] nonce, byte[] wrappedKey, String masterKeyId, int scheme) {
    public static final int SCHEME_V1 = 1;

    public SealedSecret {
        Objects.requireNonNull(ciphertext, "ciphertext");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(wrappedKey, "wrappedKey");
        Objects.requireNonNull(masterKeyId, "masterKeyId");
    }

    public SealedSecret withWrappedKey(byte[] newWrappedKey, String newMasterKeyId) {
        return new SealedSecret(ciphertext, nonce, newWrappedKey, newMasterKeyId, scheme);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedSecret other && scheme == other.scheme && masterKeyId.equals(other.masterKeyId)
                && Arrays.equals(ciphertext, other.ciphertext) && Arrays.equals(nonce, other.nonce)
                && Arrays.equals(wrappedKey, other.wrappedKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(masterKeyId, scheme, Arrays.hashCode(ciphertext));
    }

    @Override
    public String toString() {
        return "SealedSecret[scheme=" + scheme + ", masterKeyId=" + masterKeyId + "]";
    }
}
