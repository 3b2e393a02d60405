package dev.tollgate.vault;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Envelope encryption of one provider secret (SPEC §6.4): a fresh data key per secret from the KMS port under the
 * encryption context, AES-256-GCM with a random 96-bit nonce and a 128-bit tag, the canonical context as AAD. The
 * plaintext data key and every plaintext buffer are zeroed in {@code finally} blocks.
 *
 * <p>Both layers check the context: KMS refuses to unwrap the data key under another context, and GCM refuses the
 * ciphertext under other AAD, so a record copied to another account, provider or id fails twice over.
 */
public final class EnvelopeCipher {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Supplier<DataKeyService> dataKeySource;

    public EnvelopeCipher(DataKeyService dataKeys) {
        this(() -> dataKeys);
    }

    /** With the KMS port built on first use, so that code paths that never seal or open build no KMS client. */
    public EnvelopeCipher(Supplier<DataKeyService> dataKeys) {
        this.dataKeySource = dataKeys;
    }

    public DataKeyService dataKeys() {
        return dataKeySource.get();
    }

    /** Encrypts {@code secret} (left untouched; the caller zeroes it) under the default master key. */
    public SealedSecret seal(byte[] secret, EncryptionContext context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        DataKeyService dataKeys = dataKeys();
        try (DataKey dataKey = dataKeys.generate(dataKeys.defaultKeyId(), context)) {
            SecretKeySpec key = new SecretKeySpec(dataKey.plaintext(), "AES");
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.canonicalBytes());
            byte[] ciphertext = cipher.doFinal(secret);
            return new SealedSecret(ciphertext, nonce, dataKey.wrapped(), dataKey.masterKeyId(), SealedSecret.SCHEME_V1);
        } catch (GeneralSecurityException e) {
            throw new VaultCryptoException("cannot encrypt the secret", e);
        }
    }

    /** The plaintext secret; the caller owns the array and must zero it (wrap it in a {@link Secret}). */
    public byte[] open(SealedSecret sealed, EncryptionContext context) {
        if (sealed.scheme() != SealedSecret.SCHEME_V1) {
            throw new VaultCryptoException("unknown envelope scheme " + sealed.scheme());
        }
        if (sealed.nonce().length != NONCE_BYTES) {
            throw new VaultCryptoException("stored nonce has the wrong length");
        }
        byte[] dataKey = dataKeys().decrypt(sealed.wrappedKey(), sealed.masterKeyId(), context);
        try {
            if (dataKey.length != 32) {
                throw new VaultCryptoException("data key has the wrong length");
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(context.canonicalBytes());
            return cipher.doFinal(sealed.ciphertext());
        } catch (GeneralSecurityException e) {
            throw new VaultCryptoException("stored secret does not open under this context", e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** The same sealed secret with its data key re-wrapped under {@code masterKeyId}; the secret itself is untouched. */
    public SealedSecret rewrap(SealedSecret sealed, String masterKeyId, EncryptionContext context) {
        DataKeyService.Wrapped wrapped = dataKeys().reEncrypt(sealed.wrappedKey(), sealed.masterKeyId(), masterKeyId, context);
        return sealed.withWrappedKey(wrapped.blob(), wrapped.masterKeyId());
    }
}
