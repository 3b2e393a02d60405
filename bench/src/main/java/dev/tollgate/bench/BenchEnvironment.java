package dev.tollgate.bench;

import dev.tollgate.app.Services;
import dev.tollgate.config.Config;
import dev.tollgate.testkit.LocalDynamo;
import dev.tollgate.testkit.RepoRoot;
import dev.tollgate.testkit.SamTemplate;
import dev.tollgate.testkit.TableSpec;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** DynamoDB Local with the template's tables and the product's wiring, metered. One per benchmark run. */
final class BenchEnvironment implements AutoCloseable {
    final LocalDynamo dynamo;
    final AwsCallMeter meter = new AwsCallMeter();
    final Map<String, String> env = new HashMap<>();

    BenchEnvironment() {
        SamTemplate template = SamTemplate.load(RepoRoot.template());
        dynamo = LocalDynamo.start();
        Map<String, String> names = new HashMap<>();
        for (TableSpec table : template.tables()) {
            names.put(table.logicalId(), "bench-" + table.logicalId());
        }
        dynamo.createTables(template, names::get);
        template.globalEnvironment().forEach((k, v) -> env.put(k, names.getOrDefault(v, v)));
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString());
        env.put("TOLLGATE_KMS_MODE", "local");
        env.put("TOLLGATE_MASTER_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32]));
        env.put("TOLLGATE_LOG_LEVEL", "WARN");
    }

    Services services(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(overrides);
        return Services.create(Config.of(all), Clock.systemUTC(), meter);
    }

    @Override
    public void close() {
        dynamo.close();
    }
}
