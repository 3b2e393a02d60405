package dev.tollgate.app;

import dev.tollgate.auth.ApiKeyTokens;
import dev.tollgate.domain.Credits;
import dev.tollgate.domain.Ids;
import dev.tollgate.json.Json;
import dev.tollgate.log.Invocation;
import dev.tollgate.log.Log;
import dev.tollgate.log.Redactor;
import dev.tollgate.log.SecretRedactor;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming: before Lambda snapshots an initialised function, load and exercise the code every request
 * touches (Jackson, the catalog, token hashing, the redactor, SDK client construction, the metrics document), so
 * restored containers start warm. It never calls AWS: credentials and network state must not be captured in the
 * snapshot.
 */
public final class SnapStartPriming implements Resource {
    private static final Log LOG = Log.get(SnapStartPriming.class);
    /** CRaC contexts may hold resources weakly; this keeps the registered one alive until the snapshot. */
    private static volatile SnapStartPriming registered;

    private final Services services;

    private SnapStartPriming(Services services) {
        this.services = services;
    }

    /** Registers once per container; outside a CRaC-capable runtime this is a no-op. */
    static void register(Services services) {
        registered = new SnapStartPriming(services);
        Core.getGlobalContext().register(registered);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        long started = System.nanoTime();
        prime(services);
        LOG.info("primed for snapshot", "duration_ms", (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to refresh: clients resolve credentials per call and hold no connections across the snapshot.
    }

    /** The warm-up itself, also used by the cold-start benchmark. */
    public static void prime(Services services) {
        services.catalog();
        services.dynamo();
        Json.write(Map.of("credits", Credits.toCredits(1_500_000L), "id", Ids.newId("req")));
        ApiKeyTokens.isWellFormed(ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX));
        ApiKeyTokens.hash("tg_test_priming");
        Redactor.redact("priming sk-proj-0000000000000000000000");
        SecretRedactor.of("sk-proj-0000000000000000000000").redact("priming sk-proj-0000000000000000000000");
        Invocation.prime();
    }
}
