package dev.tollgate.vault;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tollgate.app.Services;
import dev.tollgate.store.AwsClients;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.MotoServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kms.KmsClient;

/** The vault contract with AWS KMS (SDK v2) served by moto_server on a loopback port; skipped if moto is absent. */
class AwsKmsVaultIT extends VaultContract {
    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static MotoServer moto;
    private static Services services;
    private static String otherKeyArn;

    @BeforeAll
    static void startKms() {
        assumeTrue(MotoServer.available(), MotoServer.UNAVAILABLE_MESSAGE);
        moto = MotoServer.start();
        var base = TestServices.config(DYNAMO, Map.of(
                "AWS_ENDPOINT_URL_KMS", moto.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing"));
        try (KmsClient kms = new AwsClients(base, null).kms()) {
            String first = kms.createKey(b -> b.description("tollgate test key")).keyMetadata().arn();
            otherKeyArn = kms.createKey(b -> b.description("tollgate rotation target")).keyMetadata().arn();
            services = Services.create(base.with("TOLLGATE_KMS_MODE", "aws").with("TOLLGATE_KMS_KEY_ID", first));
        }
    }

    @AfterAll
    static void stopKms() {
        if (moto != null) {
            moto.close();
        }
    }

    @Override
    Services services() {
        return services;
    }

    @Override
    String otherMasterKeyId() {
        return otherKeyArn;
    }
}
