package dev.tollgate.vault;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;

/**
 * The KMS port on AWS KMS (SDK v2). {@code KmsClient} comes from {@code AwsClients.kms()}, whose endpoint override
 * ({@code AWS_ENDPOINT_URL_KMS} / {@code AWS_ENDPOINT_URL}) points it at moto or LocalStack for tests.
 *
 * <p>Plaintext data keys are read with {@code asByteArrayUnsafe()} (no extra copy) and zeroed by the caller; the SDK's
 * response object shares that array, so zeroing it also clears the response.
 */
public final class AwsKmsDataKeys implements DataKeyService {
    private final KmsClient kms;
    private final String defaultKeyId;

    public AwsKmsDataKeys(KmsClient kms, String defaultKeyId) {
        if (defaultKeyId == null || defaultKeyId.isBlank()) {
            throw new IllegalStateException("TOLLGATE_KMS_KEY_ID is required when TOLLGATE_KMS_MODE=aws");
        }
        this.kms = kms;
        this.defaultKeyId = defaultKeyId;
    }

    @Override
    public String defaultKeyId() {
        return defaultKeyId;
    }

    @Override
    public DataKey generate(String masterKeyId, EncryptionContext context) {
        GenerateDataKeyResponse response;
        try {
            response = kms.generateDataKey(b -> b.keyId(masterKeyId).keySpec(DataKeySpec.AES_256)
                    .encryptionContext(context.asMap()));
        } catch (SdkException e) {
            throw new VaultCryptoException("KMS GenerateDataKey failed", e);
        }
        byte[] plaintext = response.plaintext().asByteArrayUnsafe();
        return new DataKey(plaintext, response.ciphertextBlob().asByteArray(), response.keyId());
    }

    @Override
    public byte[] decrypt(byte[] wrapped, String masterKeyId, EncryptionContext context) {
        try {
            return kms.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(wrapped)).keyId(masterKeyId)
                    .encryptionContext(context.asMap())).plaintext().asByteArrayUnsafe();
        } catch (SdkException e) {
            throw new VaultCryptoException("KMS Decrypt failed", e);
        }
    }

    @Override
    public Wrapped reEncrypt(byte[] wrapped, String sourceMasterKeyId, String destinationMasterKeyId,
                             EncryptionContext context) {
        try {
            ReEncryptResponse response = kms.reEncrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(wrapped))
                    .sourceKeyId(sourceMasterKeyId).sourceEncryptionContext(context.asMap())
                    .destinationKeyId(destinationMasterKeyId).destinationEncryptionContext(context.asMap()));
            return new Wrapped(response.ciphertextBlob().asByteArray(), response.keyId());
        } catch (SdkException e) {
            throw new VaultCryptoException("KMS ReEncrypt failed", e);
        }
    }

    @Override
    public String toString() {
        return "AwsKmsDataKeys[" + defaultKeyId + "]";
    }
}
