package dev.tollgate.vault;

/**
 * The KMS port: data keys generated, unwrapped and re-wrapped under a master key (CMK), always with an
 * {@link EncryptionContext}. Two implementations with the same semantics: {@link AwsKmsDataKeys} (AWS KMS, or moto /
 * LocalStack through an endpoint override) and {@link LocalKeyring} (a local AES-256 master key).
 *
 * <p>Failures to unwrap (wrong context, tampered blob, unknown master key) are {@link VaultCryptoException}s and
 * carry no key material.
 */
public interface DataKeyService {

    /** The master key new data keys are generated under. */
    String defaultKeyId();

    /** A fresh AES-256 data key under {@code masterKeyId}; the caller must {@link DataKey#close() close} it. */
    DataKey generate(String masterKeyId, EncryptionContext context);

    /** The plaintext data key inside {@code wrapped}; the caller zeroes the returned array. */
    byte[] decrypt(byte[] wrapped, String masterKeyId, EncryptionContext context);

    /** Re-wraps a data key under another master key with the same context, without the plaintext leaving the KMS. */
    Wrapped reEncrypt(byte[] wrapped, String sourceMasterKeyId, String destinationMasterKeyId, EncryptionContext context);

    /** A wrapped data key and the full id of the master key that wraps it. */
    record Wrapped(byte[] blob, String masterKeyId) {
    }
}
