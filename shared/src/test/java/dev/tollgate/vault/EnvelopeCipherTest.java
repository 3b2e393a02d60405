package dev.tollgate.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The AES-GCM layer alone: even with a KMS that ignored the context, the AAD binds a ciphertext to it. */
class EnvelopeCipherTest {
    private static final EncryptionContext CONTEXT = new EncryptionContext("acct_1", "openai", "byok_1");

    /** A deliberately careless KMS port that unwraps under any context. */
    private static final class ContextBlindKeys implements DataKeyService {
        private final LocalKeyring keyring = LocalKeyring.inMemory(new byte[32]);
        private final EncryptionContext fixed = new EncryptionContext("x", "x", "x");

        @Override
        public String defaultKeyId() {
            return keyring.defaultKeyId();
        }

        @Override
        public DataKey generate(String masterKeyId, EncryptionContext context) {
            return keyring.generate(masterKeyId, fixed);
        }

        @Override
        public byte[] decrypt(byte[] wrapped, String masterKeyId, EncryptionContext context) {
            return keyring.decrypt(wrapped, masterKeyId, fixed);
        }

        @Override
        public Wrapped reEncrypt(byte[] wrapped, String from, String to, EncryptionContext context) {
            return keyring.reEncrypt(wrapped, from, to, fixed);
        }
    }

    @Test
    void theCanonicalContextIsTheAadOfTheCiphertext() {
        EnvelopeCipher cipher = new EnvelopeCipher(new ContextBlindKeys());
        SealedSecret sealed = cipher.seal("sk-secret".getBytes(StandardCharsets.UTF_8), CONTEXT);
        assertArrayEquals("sk-secret".getBytes(StandardCharsets.UTF_8), cipher.open(sealed, CONTEXT));
        assertThrows(VaultCryptoException.class, () -> cipher.open(sealed, new EncryptionContext("acct_2", "openai", "byok_1")));
        assertThrows(VaultCryptoException.class, () -> cipher.open(sealed, new EncryptionContext("acct_1", "stripe", "byok_1")));
        assertThrows(VaultCryptoException.class, () -> cipher.open(sealed, new EncryptionContext("acct_1", "openai", "byok_2")));
    }
}
