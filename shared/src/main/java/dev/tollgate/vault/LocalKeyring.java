package dev.tollgate.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The KMS port without a cloud: AES-256 master keys on this machine, named {@code local:<name>}. The default
 * master key comes from {@code TOLLGATE_MASTER_KEY} (base64 of 32 bytes) or from {@code <dir>/master.key}, created
 * with mode 0600 on first use; any other name (a rewrap target such as {@code local:2026}) lives in
 * {@code <dir>/master-<name>.key}. Data keys are wrapped with AES-256-GCM and the canonical encryption context (plus
 * the master key id) as AAD, so the context semantics are those of KMS: a wrapped key opens only under the context
 * it was generated with.
 *
 * <p>Wrapped blob: {@code 0x01 | len(id) | id | nonce(12) | ciphertext+tag(48)}.
 */
public final class LocalKeyring implements DataKeyService {
    public static final String PREFIX = "local:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where master keys come from, by name; returns a fresh array the keyring keeps. */
    @FunctionalInterface
    public interface MasterKeySource {
        byte[] load(String name);
    }

    private final String defaultKeyId;
    private final MasterKeySource source;
    private final Map<String, SecretKeySpec> keys = new ConcurrentHashMap<>();

    public LocalKeyring(String defaultKeyId, MasterKeySource source) {
        this.defaultKeyId = requireLocalId(defaultKeyId);
        this.source = source;
    }

    /**
     * Master keys from {@code dir}: {@code master.key} for the default name unless {@code defaultKeyBase64} is given,
     * {@code master-<name>.key} otherwise; missing files are created (0600) with 32 random bytes.
     */
    public static LocalKeyring fromDirectory(Path dir, String defaultKeyId, String defaultKeyBase64OrNull) {
        String defaultName = requireLocalId(defaultKeyId).substring(PREFIX.length());
        return new LocalKeyring(defaultKeyId, name -> {
            if (name.equals(defaultName) && defaultKeyBase64OrNull != null) {
                return decodeMasterKey(defaultKeyBase64OrNull);
            }
            return readOrCreate(dir.resolve(name.equals("default") ? "master.key" : "master-" + name + ".key"));
        });
    }

    /** Keys held in memory only (tests): the default one given, any other name random on first use. */
    public static LocalKeyring inMemory(byte[] defaultMasterKey) {
        byte[] copy = defaultMasterKey.clone();
        return new LocalKeyring(PREFIX + "default", name -> name.equals("default") ? copy.clone() : randomKey());
    }

    static byte[] decodeMasterKey(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("TOLLGATE_MASTER_KEY must be base64 of 32 random bytes");
        }
        if (key.length != 32) {
            Arrays.fill(key, (byte) 0);
            throw new IllegalStateException("TOLLGATE_MASTER_KEY must be base64 of exactly 32 bytes (AES-256)");
        }
        return key;
    }

    private static byte[] readOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                byte[] fresh = randomKey();
                try {
                    Path created;
                    try {
                        created = Files.createFile(file, PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rw-------")));
                    } catch (UnsupportedOperationException notPosix) {
                        created = Files.createFile(file);
                    }
                    Files.writeString(created, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII);
                    return fresh;
                } catch (FileAlreadyExistsException anotherProcessWon) {
                    Arrays.fill(fresh, (byte) 0);
                }
            }
            return decodeMasterKey(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the local master key " + file, e);
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    static String requireLocalId(String keyId) {
        if (keyId == null || !keyId.startsWith(PREFIX) || !NAME.matcher(keyId.substring(PREFIX.length())).matches()) {
            throw new IllegalArgumentException("local master key ids look like local:<name> (letters, digits, - or _)");
        }
        return keyId;
    }

    private SecretKeySpec master(String keyId) {
        requireLocalId(keyId);
        return keys.computeIfAbsent(keyId, id -> {
            byte[] raw = source.load(id.substring(PREFIX.length()));
            try {
                return new SecretKeySpec(raw, "AES");
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        });
    }

    @Override
    public String defaultKeyId() {
        return defaultKeyId;
    }

    @Override
    public DataKey generate(String masterKeyId, EncryptionContext context) {
        byte[] plaintext = randomKey();
        try {
            return new DataKey(plaintext, wrap(plaintext, masterKeyId, context), masterKeyId);
        } catch (RuntimeException e) {
            Arrays.fill(plaintext, (byte) 0);
            throw e;
        }
    }

    @Override
    public byte[] decrypt(byte[] wrapped, String masterKeyId, EncryptionContext context) {
        ByteBuffer in = ByteBuffer.wrap(wrapped);
        try {
            if (in.get() != VERSION) {
                throw new VaultCryptoException("wrapped data key has an unknown format");
            }
            byte[] id = new byte[Byte.toUnsignedInt(in.get())];
            in.get(id);
            String blobKeyId = new String(id, StandardCharsets.UTF_8);
            if (masterKeyId != null && !masterKeyId.equals(blobKeyId)) {
                throw new VaultCryptoException("wrapped data key belongs to another master key");
            }
            byte[] nonce = new byte[NONCE_BYTES];
            in.get(nonce);
            byte[] sealed = new byte[in.remaining()];
            in.get(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, master(blobKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(context, blobKeyId));
            return cipher.doFinal(sealed);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw new VaultCryptoException("wrapped data key is malformed");
        } catch (GeneralSecurityException e) {
            throw new VaultCryptoException("wrapped data key does not open under this master key and context", e);
        }
    }

    @Override
    public Wrapped reEncrypt(byte[] wrapped, String sourceMasterKeyId, String destinationMasterKeyId,
                             EncryptionContext context) {
        byte[] plaintext = decrypt(wrapped, sourceMasterKeyId, context);
        try {
            return new Wrapped(wrap(plaintext, destinationMasterKeyId, context), destinationMasterKeyId);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private byte[] wrap(byte[] plaintext, String masterKeyId, EncryptionContext context) {
        byte[] id = masterKeyId.getBytes(StandardCharsets.UTF_8);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, master(masterKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(context, masterKeyId));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(2 + id.length + NONCE_BYTES + sealed.length)
                    .put(VERSION).put((byte) id.length).put(id).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new VaultCryptoException("cannot wrap a data key", e);
        }
    }

    private static byte[] aad(EncryptionContext context, String masterKeyId) {
        byte[] ctx = context.canonicalBytes();
        byte[] id = masterKeyId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(ctx.length + 1 + id.length).put(ctx).put((byte) 0).put(id).array();
    }

    @Override
    public String toString() {
        return "LocalKeyring[" + defaultKeyId + "]";
    }
}
