package dev.tollgate.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

class MotoServerIT {
    private static MotoServer moto;
    private static KmsClient kms;

    @BeforeAll
    static void start() {
        if (!MotoServer.available()) {
            return; // each test then reports itself skipped with the reason
        }
        moto = MotoServer.start();
        kms = KmsClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @BeforeEach
    void requireMoto() {
        assumeTrue(moto != null, MotoServer.UNAVAILABLE_MESSAGE);
    }

    @AfterAll
    static void stop() {
        if (kms != null) {
            kms.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void dataKeyRoundTripsWithItsEncryptionContext() {
        String keyId = kms.createKey(r -> r.description("testkit")).keyMetadata().keyId();
        Map<String, String> context = Map.of("account", "acct_1", "provider", "openai");

        GenerateDataKeyResponse dataKey = kms.generateDataKey(r -> r.keyId(keyId).keySpec(DataKeySpec.AES_256)
                .encryptionContext(context));
        assertEquals(32, dataKey.plaintext().asByteArray().length);

        SdkBytes plaintext = kms.decrypt(r -> r.ciphertextBlob(dataKey.ciphertextBlob()).encryptionContext(context)).plaintext();
        assertArrayEquals(dataKey.plaintext().asByteArray(), plaintext.asByteArray());

        assertThrows(InvalidCiphertextException.class, () -> kms.decrypt(r -> r.ciphertextBlob(dataKey.ciphertextBlob())
                .encryptionContext(Map.of("account", "acct_2", "provider", "openai"))));
    }

    @Test
    void closeKillsTheProcess() {
        MotoServer another = MotoServer.start();
        another.close();
        another.close();
        assertFalse(processAnswers(another));
    }

    private static boolean processAnswers(MotoServer server) {
        try (var socket = new java.net.Socket("127.0.0.1", server.port())) {
            return socket.isConnected();
        } catch (java.io.IOException refused) {
            return false;
        }
    }
}
