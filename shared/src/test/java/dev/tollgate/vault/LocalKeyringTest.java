package dev.tollgate.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local keyring on its own: key files, key ids and the context semantics KMS has. */
class LocalKeyringTest {
    private static final EncryptionContext CONTEXT = new EncryptionContext("acct_1", "openai", "byok_1");

    @Test
    void createsTheMasterKeyFileWithOwnerOnlyPermissionsAndReusesIt(@TempDir Path dir) throws Exception {
        LocalKeyring first = LocalKeyring.fromDirectory(dir, "local:default", null);
        DataKey key = first.generate(first.defaultKeyId(), CONTEXT);
        byte[] plaintext = key.plaintext().clone();
        Path file = dir.resolve("master.key");
        assertTrue(Files.exists(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Base64.getDecoder().decode(Files.readString(file).trim()).length);

        LocalKeyring again = LocalKeyring.fromDirectory(dir, "local:default", null);
        assertArrayEquals(plaintext, again.decrypt(key.wrapped(), "local:default", CONTEXT));
        key.close();
        assertTrue(java.util.Arrays.equals(key.plaintext(), new byte[32]), "close() zeroes the data key");
    }

    @Test
    void aConfiguredMasterKeyWinsOverTheFileAndMustBe32Bytes(@TempDir Path dir) {
        byte[] raw = new byte[32];
        raw[0] = 7;
        LocalKeyring keyring = LocalKeyring.fromDirectory(dir, "local:default", Base64.getEncoder().encodeToString(raw));
        DataKey key = keyring.generate("local:default", CONTEXT);
        assertTrue(Files.notExists(dir.resolve("master.key")));
        assertArrayEquals(key.plaintext(), LocalKeyring.inMemory(raw).decrypt(key.wrapped(), "local:default", CONTEXT));
        assertThrows(IllegalStateException.class, () -> LocalKeyring.fromDirectory(dir, "local:default",
                Base64.getEncoder().encodeToString(new byte[16])).generate("local:default", CONTEXT));
    }

    @Test
    void aWrappedKeyOpensOnlyUnderItsContextAndMasterKey() {
        LocalKeyring keyring = LocalKeyring.inMemory(new byte[32]);
        DataKey key = keyring.generate("local:default", CONTEXT);
        assertThrows(VaultCryptoException.class, () -> keyring.decrypt(key.wrapped(), "local:default",
                new EncryptionContext("acct_2", "openai", "byok_1")));
        assertThrows(VaultCryptoException.class, () -> keyring.decrypt(key.wrapped(), "local:other", CONTEXT));
        var moved = keyring.reEncrypt(key.wrapped(), "local:default", "local:other", CONTEXT);
        assertEquals("local:other", moved.masterKeyId());
        assertArrayEquals(key.plaintext(), keyring.decrypt(moved.blob(), "local:other", CONTEXT));
        assertThrows(IllegalArgumentException.class, () -> keyring.generate("arn:aws:kms:x", CONTEXT));
    }
}
