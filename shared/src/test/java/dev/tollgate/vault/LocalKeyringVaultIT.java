package dev.tollgate.vault;

import dev.tollgate.app.Services;
import dev.tollgate.testing.TestServices;
import dev.tollgate.testkit.DynamoExtension;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The vault contract with the local keyring (what `./tollgate local` uses). */
class LocalKeyringVaultIT extends VaultContract {
    @RegisterExtension
    static final DynamoExtension DYNAMO = DynamoExtension.forRepoTemplate();

    private static Services services;

    @BeforeAll
    static void wire() {
        services = Services.create(TestServices.config(DYNAMO, Map.of("TOLLGATE_KMS_MODE", "local")));
    }

    @Override
    Services services() {
        return services;
    }

    @Override
    String otherMasterKeyId() {
        return "local:rotated";
    }
}
