package dev.tollgate.testing;

import dev.tollgate.app.Services;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.config.Config;
import dev.tollgate.store.AwsClients;
import dev.tollgate.testkit.DynamoExtension;
import dev.tollgate.testkit.MotoServer;
import java.util.HashMap;
import java.util.Map;

/** Builds the product's real wiring against the DynamoDB Local tables of a {@link DynamoExtension}. */
public final class TestServices {
    private TestServices() {
    }

    public static Config config(DynamoExtension dynamo, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(dynamo.environment());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.dynamo().endpoint().toString());
        env.put("TOLLGATE_TOKEN_PREFIX", "tg_test_");
        env.remove("TOLLGATE_KMS_KEY_ID");
        // template.yaml sets this from a parameter (!Ref BalanceShards), which the template reader cannot resolve.
        env.put("TOLLGATE_BALANCE_SHARDS", "1");
        // The local keyring with a random in-process master key: no file, no KMS. KMS-backed tests override these.
        env.put("TOLLGATE_KMS_MODE", "local");
        env.put("TOLLGATE_MASTER_KEY", randomMasterKey());
        // Tests stay on loopback: hosted federated MCP servers (Semgrep, DeepWiki) are off unless a test points them
        // at a local server.
        ProviderCatalog.load(Config.of(Map.of())).providers().stream().filter(Provider::isFederated)
                .forEach(p -> env.put(Provider.baseUrlVariable(p.id()), "off"));
        env.putAll(overrides);
        return Config.of(env);
    }

    /**
     * {@link #config} with AWS KMS served by {@code moto} (a fresh key created there), or with the local keyring
     * when {@code moto} is null (moto_server not installed).
     */
    public static Config configWithKms(DynamoExtension dynamo, MotoServer moto, Map<String, String> overrides) {
        Config base = config(dynamo, overrides);
        if (moto == null) {
            return base;
        }
        Config kmsAtMoto = base.with("AWS_ENDPOINT_URL_KMS", moto.endpoint().toString())
                .with("AWS_ACCESS_KEY_ID", "testing").with("AWS_SECRET_ACCESS_KEY", "testing");
        try (var kms = new AwsClients(kmsAtMoto, null).kms()) {
            String key = kms.createKey(b -> b.description("tollgate test key")).keyMetadata().arn();
            return kmsAtMoto.with("TOLLGATE_KMS_MODE", "aws").with("TOLLGATE_KMS_KEY_ID", key);
        }
    }

    public static String randomMasterKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    public static Services services(DynamoExtension dynamo) {
        return Services.create(config(dynamo, Map.of()));
    }
}
