package dev.tollgate.vault;

import dev.tollgate.audit.AuditTrail;
import dev.tollgate.catalog.Provider;
import dev.tollgate.catalog.ProviderCatalog;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.Ids;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import dev.tollgate.paging.Cursors;
import dev.tollgate.paging.Page;
import dev.tollgate.retry.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The BYOK key registry (SPEC §6.1–6.3, §6.5) and the platform keys of credits mode (§9.3): validation, plan gating,
 * envelope encryption, the one-key-per-provider rule with atomic replacement, verification, purge on delete, and an
 * audit entry for each lifecycle event. Plaintext keys exist only as byte arrays zeroed before each method returns
 * (the request's JSON string cannot be wiped; see docs/SECURITY.md).
 */
public final class KeyRegistry {
    private static final Log LOG = Log.get(KeyRegistry.class);
    /** Longest secret accepted, in UTF-8 bytes (SPEC §6.1). */
    public static final int MAX_KEY_BYTES = 4096;
    private static final int MAX_ATTEMPTS = 100;

    private final ProviderCatalog catalog;
    private final ProviderKeyStore store;
    private final EnvelopeCipher cipher;
    private final EnvelopeKeyVault vault;
    private final KeyVerifier verifier;
    private final AuditTrail audit;
    private final Clock clock;

    public KeyRegistry(ProviderCatalog catalog, ProviderKeyStore store, EnvelopeCipher cipher, EnvelopeKeyVault vault,
                       KeyVerifier verifier, AuditTrail audit, Clock clock) {
        this.catalog = catalog;
        this.store = store;
        this.cipher = cipher;
        this.vault = vault;
        this.verifier = verifier;
        this.audit = audit;
        this.clock = clock;
    }

    /** A stored key and, for a replacement, the id of the key it replaced (already purged). */
    public record Registered(ProviderKey key, String replaced) {
    }

    /** Outcome of a verify call; {@code verified} is false when the provider gave no verdict. */
    public record Verification(ProviderKey key, Integer providerStatus, Instant checkedAt, boolean verified,
                               String message) {
    }

    /**
     * One page of a rewrap run: records re-wrapped, already under the target, skipped because they changed meanwhile
     * (run again), and failed because their data key would not unwrap (a damaged or tampered record; see the log).
     */
    public record RewrapReport(int examined, int rewrapped, int unchanged, int skipped, int failed, String nextCursor) {
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Customer keys

    /** Registers (or replaces) the personal key of {@code account} for a provider. */
    public Registered registerPersonal(Account account, String actor, String providerId, String apiKey,
                                       String displayName, boolean verifyFirst) {
        Provider provider = byokProvider(providerId);
        byte[] secret = secretBytes(provider, apiKey);
        try {
            if (account.type() != Account.Type.PERSONAL) {
                throw new TollgateException(ErrorCode.FORBIDDEN,
                        "Workspace keys are managed by workspace admins under /api/v1/workspaces/{ws}/keys");
            }
            requirePlan(account);
            Checked checked = verifyFirst ? checkBeforeStoring(provider, secret) : Checked.NONE;
            Registered registered = putInSlot(account.id(), "personal", provider, secret, hint(provider, apiKey),
                    displayName, checked);
            auditRegistered(account.id(), actor, registered, "byok");
            return registered;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * Adds a workspace key (many per provider). The first key of a provider becomes its default; with
     * {@code makeDefault} a later one takes over. Role checks (workspace admin) are the caller's (issue 7 routes).
     */
    public Registered registerWorkspaceKey(Account workspace, String actor, String providerId, String apiKey,
                                           String displayName, boolean makeDefault, boolean verifyFirst) {
        Provider provider = byokProvider(providerId);
        byte[] secret = secretBytes(provider, apiKey);
        try {
            if (workspace.type() != Account.Type.WORKSPACE) {
                throw new IllegalArgumentException("not a workspace: " + workspace.id());
            }
            requirePlan(workspace);
            Checked checked = verifyFirst ? checkBeforeStoring(provider, secret) : Checked.NONE;
            Instant now = clock.instant();
            String id = Ids.newId("byok", now);
            ProviderKey key = new ProviderKey(id, workspace.id(), provider.id(), ProviderKey.Status.ACTIVE, displayName,
                    hint(provider, apiKey), false, "workspace", now,
                    checked.at());
            StoredKey stored = new StoredKey(key, cipher.seal(secret, contextOf(key)), checked.status());
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                String currentDefault = store.load(workspace.id()).defaults().get(provider.id());
                boolean becomesDefault = makeDefault || currentDefault == null;
                if (store.putWorkspaceKey(stored, becomesDefault, currentDefault)) {
                    ProviderKey result = withDefault(key, becomesDefault);
                    Registered registered = new Registered(result, null);
                    auditRegistered(workspace.id(), actor, registered, "byok");
                    return registered;
                }
                Backoff.pause(attempt);
            }
            throw busy();
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Keys of an account, oldest first, a page at a time (cursor = opaque position after the last id). */
    public Page<ProviderKey> list(String accountId, String cursor, int limit) {
        String after = cursor == null ? null : Cursors.decodeId(cursor, "byok");
        List<ProviderKey> all = new ArrayList<>(store.load(accountId).keys().stream().map(StoredKey::key).toList());
        all.sort(Comparator.comparing(ProviderKey::id));
        List<ProviderKey> page = all.stream().filter(k -> after == null || k.id().compareTo(after) > 0)
                .limit(limit + 1L).toList();
        if (page.size() > limit) {
            return new Page<>(page.subList(0, limit), Cursors.encode(page.get(limit - 1).id()));
        }
        return new Page<>(page, null);
    }

    /** The key calls would use for each provider (personal slot or workspace default), in catalog order. */
    public List<ProviderKey> activeKeys(String accountId) {
        var keys = store.load(accountId);
        List<ProviderKey> out = new ArrayList<>();
        for (Provider p : catalog.providers()) {
            keys.active(p.id()).ifPresent(k -> out.add(k.key()));
        }
        return out;
    }

    public ProviderKey get(String accountId, String byokId) {
        return find(accountId, byokId).key();
    }

    /**
     * Purges the key: record, ciphertext and wrapped data key, and any pointer to it. Foreign or unknown: 404.
     * When a workspace's default key goes, its oldest remaining key of the same provider becomes the default, so
     * the team's calls keep using a team key rather than switching to credits.
     */
    public void delete(String accountId, String byokId, String actor) {
        StoredKey stored = find(accountId, byokId);
        if (!store.delete(accountId, byokId)) {
            throw TollgateException.notFound("BYOK key");
        }
        audit.record(accountId, actor, "byok.deleted", byokId, Map.of("provider", stored.key().provider()));
        LOG.info("byok key deleted", "account_id", accountId, "byok_id", byokId, "provider", stored.key().provider());
        if (stored.key().isDefault()) {
            String provider = stored.key().provider();
            store.load(accountId).keys().stream().map(StoredKey::key)
                    .filter(k -> k.provider().equals(provider))
                    .min(Comparator.comparing(ProviderKey::id))
                    .ifPresent(next -> {
                        if (store.setDefault(accountId, provider, next.id(), null, clock.instant())) {
                            audit.record(accountId, actor, "byok.default_set", next.id(),
                                    Map.of("provider", provider, "reason", "previous default deleted"));
                        }
                    });
        }
    }

    /** Makes a workspace key its provider's default (admins; role checks are the caller's). */
    public ProviderKey setDefault(String workspaceId, String byokId, String actor) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            var keys = store.load(workspaceId);
            ProviderKey key = keys.byId(byokId).map(StoredKey::key)
                    .filter(k -> Ids.looksLike(byokId, "byok"))
                    .orElseThrow(() -> TollgateException.notFound("BYOK key"));
            if (!"workspace".equals(key.scope())) {
                throw TollgateException.validation("/default", "only workspace keys have a default");
            }
            String current = keys.defaults().get(key.provider());
            if (byokId.equals(current)) {
                return withDefault(key, true);
            }
            if (store.setDefault(workspaceId, key.provider(), byokId, current, clock.instant())) {
                audit.record(workspaceId, actor, "byok.default_set", byokId, Map.of("provider", key.provider()));
                return withDefault(key, true);
            }
            Backoff.pause(attempt);
        }
        throw busy();
    }

    /** Decrypts the key, makes the provider's free verify call and records the verdict (SPEC §6.3). */
    public Verification verify(String accountId, String byokId, String actor) {
        StoredKey stored = find(accountId, byokId);
        ProviderKey key = stored.key();
        Optional<Provider> provider = catalog.provider(key.provider());
        if (provider.isEmpty() || provider.get().verify().isEmpty()) {
            return new Verification(key, stored.providerStatus(), key.checkedAt(), false,
                    provider.map(Provider::name).orElse(key.provider())
                            + " has no free verification call: the key's status is unchanged and it is checked on its first call");
        }
        int status;
        try (Secret secret = new Secret(cipher.open(stored.sealed(), stored.context()))) {
            status = verifier.check(provider.get(), provider.get().verify().get(), secret);
        }
        Instant now = clock.instant();
        Optional<ProviderKey.Status> verdict = verdict(provider.get(), status);
        if (verdict.isEmpty()) {
            return new Verification(key, status, now, false, provider.get().name() + " answered " + status
                    + " without accepting or refusing the key: its status is unchanged");
        }
        if (!store.updateStatus(accountId, byokId, verdict.get(), status, now)) {
            throw TollgateException.notFound("BYOK key");
        }
        ProviderKey updated = new ProviderKey(key.id(), key.accountId(), key.provider(), verdict.get(), key.displayName(),
                key.hint(), key.isDefault(), key.scope(), key.createdAt(), now);
        boolean accepted = verdict.get() == ProviderKey.Status.ACTIVE;
        audit.record(accountId, actor, accepted ? "byok.verified" : "byok.rejected", byokId,
                Map.of("provider", key.provider(), "provider_status", Integer.toString(status), "source", "verify"));
        return new Verification(updated, status, now, true, accepted
                ? provider.get().name() + " accepted the key" : provider.get().name() + " refused the key");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Platform keys

    /** Stores (or replaces) the platform's key for a credits-mode provider, under account {@code platform}. */
    public Registered setPlatformKey(String actor, String providerId, String apiKey) {
        Provider provider = catalog.provider(providerId).orElseThrow(() -> unknownProvider(providerId));
        if (!provider.platformKey() || provider.isFree()) {
            throw new TollgateException(ErrorCode.VALIDATION_FAILED, provider.name()
                    + " is not offered in credits mode, so it takes no platform key", Map.of("pointer", "/provider"));
        }
        byte[] secret = secretBytes(provider, apiKey);
        try {
            Registered registered = putInSlot(EnvelopeKeyVault.PLATFORM_ACCOUNT, "platform", provider, secret,
                    hint(provider, apiKey), null, Checked.NONE);
            vault.forgetPlatformKeys();
            auditRegistered(EnvelopeKeyVault.PLATFORM_ACCOUNT, actor, registered, "platform_key");
            return registered;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    public List<ProviderKey> platformKeys() {
        return activeKeys(EnvelopeKeyVault.PLATFORM_ACCOUNT);
    }

    /** Purges the platform key of a provider; 404 when none is set. */
    public void deletePlatformKey(String providerId, String actor) {
        catalog.provider(providerId).orElseThrow(() -> unknownProvider(providerId));
        var keys = store.load(EnvelopeKeyVault.PLATFORM_ACCOUNT);
        StoredKey stored = keys.active(providerId).orElseThrow(() -> TollgateException.notFound("Platform key"));
        if (!store.delete(EnvelopeKeyVault.PLATFORM_ACCOUNT, stored.key().id())) {
            throw TollgateException.notFound("Platform key");
        }
        vault.forgetPlatformKeys();
        audit.record(EnvelopeKeyVault.PLATFORM_ACCOUNT, actor, "platform_key.deleted", stored.key().id(),
                Map.of("provider", providerId));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Rotation

    /**
     * Re-wraps the data keys of one page of stored records under {@code targetKeyId} (KMS ReEncrypt; the secret
     * never leaves the KMS). Records changed meanwhile are skipped and picked up by running again.
     */
    public RewrapReport rewrap(String targetKeyId, String cursor, int limit, String actor) {
        if (targetKeyId == null || targetKeyId.isBlank() || targetKeyId.length() > 2048) {
            throw TollgateException.validation("/to_kms_key", "'to_kms_key' (a KMS key ARN, id or alias) is required");
        }
        ProviderKeyStore.ScanPage page = store.scan(cursor, limit);
        int rewrapped = 0;
        int unchanged = 0;
        int skipped = 0;
        int failed = 0;
        for (StoredKey stored : page.keys()) {
            if (stored.sealed().masterKeyId().equals(targetKeyId)) {
                unchanged++;
                continue;
            }
            SealedSecret moved;
            try {
                moved = cipher.rewrap(stored.sealed(), targetKeyId, stored.context());
            } catch (IllegalArgumentException e) {
                throw TollgateException.validation("/to_kms_key", "'to_kms_key' is not a key of this vault's KMS: "
                        + e.getMessage());
            } catch (VaultCryptoException e) {
                failed++;
                LOG.warn("rewrap: record does not unwrap under its own context", "account_id",
                        stored.key().accountId(), "byok_id", stored.key().id(), "reason", e.getMessage());
                continue;
            }
            if (store.replaceSealed(stored.key().accountId(), stored.key().id(), stored.sealed(), moved)) {
                rewrapped++;
            } else {
                skipped++;
            }
        }
        if (rewrapped > 0) {
            audit.record(EnvelopeKeyVault.PLATFORM_ACCOUNT, actor, "kms.rewrapped", targetKeyId,
                    Map.of("records", Integer.toString(rewrapped)));
        }
        LOG.info("rewrap page", "examined", page.keys().size(), "rewrapped", rewrapped, "skipped", skipped,
                "failed", failed);
        return new RewrapReport(page.keys().size(), rewrapped, unchanged, skipped, failed, page.nextCursor());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private record Checked(Integer status, Instant at) {
        static final Checked NONE = new Checked(null, null);
    }

    private Registered putInSlot(String accountId, String scope, Provider provider, byte[] secret, String hint,
                                 String displayName, Checked checked) {
        Instant now = clock.instant();
        String id = Ids.newId("byok", now);
        ProviderKey key = new ProviderKey(id, accountId, provider.id(), ProviderKey.Status.ACTIVE, displayName,
                hint, false, scope, now, checked.at());
        StoredKey stored = new StoredKey(key, cipher.seal(secret, contextOf(key)), checked.status());
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            String previous = store.load(accountId).slots().get(provider.id());
            if (store.putInSlot(stored, previous)) {
                return new Registered(key, previous);
            }
            Backoff.pause(attempt);
        }
        throw busy();
    }

    private void auditRegistered(String accountId, String actor, Registered registered, String kind) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("provider", registered.key().provider());
        details.put("scope", registered.key().scope());
        if (registered.replaced() != null) {
            details.put("replaced", registered.replaced());
        }
        audit.record(accountId, actor, kind + (registered.replaced() == null ? ".registered" : ".replaced"),
                registered.key().id(), details);
        LOG.info(kind + " stored", "account_id", accountId, "byok_id", registered.key().id(),
                "provider", registered.key().provider(), "replaced", String.valueOf(registered.replaced()));
    }

    /** A verify call made with a key not yet stored ({@code ?verify=true}); a refused key is not stored. */
    private Checked checkBeforeStoring(Provider provider, byte[] secret) {
        if (provider.verify().isEmpty()) {
            return Checked.NONE;
        }
        int status;
        try (Secret copy = new Secret(secret.clone())) {
            status = verifier.check(provider, provider.verify().get(), copy);
        }
        Optional<ProviderKey.Status> verdict = verdict(provider, status);
        if (verdict.isPresent() && verdict.get() == ProviderKey.Status.REJECTED) {
            throw new TollgateException(ErrorCode.BYOK_KEY_REJECTED, provider.name() + " refused this key (HTTP "
                    + status + "); it was not stored", Map.of("provider_status", status, "provider", provider.id()));
        }
        return verdict.isPresent() ? new Checked(status, clock.instant()) : Checked.NONE;
    }

    /** 2xx accepted, 401/403 refused, 429/5xx an upstream error, anything else no verdict. */
    private static Optional<ProviderKey.Status> verdict(Provider provider, int status) {
        if (status >= 200 && status < 300) {
            return Optional.of(ProviderKey.Status.ACTIVE);
        }
        if (status == 401 || status == 403) {
            return Optional.of(ProviderKey.Status.REJECTED);
        }
        if (status == 429) {
            throw new TollgateException(ErrorCode.UPSTREAM_RATE_LIMITED, provider.name()
                    + " rate-limited the verification call; try again later", Map.of("provider_status", status));
        }
        if (status >= 500) {
            throw new TollgateException(ErrorCode.UPSTREAM_ERROR, provider.name()
                    + " failed to answer the verification call", Map.of("provider_status", status));
        }
        return Optional.empty();
    }

    private StoredKey find(String accountId, String byokId) {
        if (!Ids.looksLike(byokId, "byok")) {
            throw TollgateException.notFound("BYOK key");
        }
        return store.load(accountId).byId(byokId).orElseThrow(() -> TollgateException.notFound("BYOK key"));
    }

    private Provider byokProvider(String providerId) {
        Provider provider = catalog.provider(providerId).orElseThrow(() -> unknownProvider(providerId));
        if (!provider.byok()) {
            throw new TollgateException(ErrorCode.PROVIDER_NOT_BYOK, provider.name()
                    + " takes no key of yours" + (provider.isFree() ? ": it is free to call" : ""),
                    Map.of("provider", provider.id()));
        }
        return provider;
    }

    private TollgateException unknownProvider(String providerId) {
        List<String> known = catalog.byokProviders().stream().map(Provider::id).toList();
        return new TollgateException(ErrorCode.UNKNOWN_PROVIDER,
                "Unknown provider; use one of: " + String.join(", ", known), Map.of("pointer", "/provider"));
    }

    private static void requirePlan(Account account) {
        if (!account.plan().allowsByok()) {
            throw new TollgateException(ErrorCode.PLAN_REQUIRED, "BYOK requires the Pro plan or higher");
        }
    }

    /** The secret as bytes after presence, size and format checks; never echoed in any error. */
    private static byte[] secretBytes(Provider provider, String apiKey) {
        if (apiKey == null || apiKey.isBlank()) {
            throw TollgateException.validation("/api_key", "'api_key' is required");
        }
        String trimmed = apiKey.strip();
        byte[] bytes = trimmed.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_KEY_BYTES) {
            Arrays.fill(bytes, (byte) 0);
            throw TollgateException.validation("/api_key", "'api_key' must be at most " + MAX_KEY_BYTES + " bytes");
        }
        if (!provider.acceptsKey(trimmed)) {
            Arrays.fill(bytes, (byte) 0);
            throw new TollgateException(ErrorCode.INVALID_KEY_FORMAT, "This is not a valid " + provider.name()
                    + " key: expected " + provider.keyFormat().orElse("the provider's key format"),
                    Map.of("provider", provider.id(), "expected_format", provider.keyFormat().orElse("")));
        }
        return bytes;
    }

    private static String hint(Provider provider, String validatedKey) {
        return Hints.of(provider.auth(), validatedKey.strip());
    }

    private static ProviderKey withDefault(ProviderKey k, boolean isDefault) {
        return new ProviderKey(k.id(), k.accountId(), k.provider(), k.status(), k.displayName(), k.hint(), isDefault,
                k.scope(), k.createdAt(), k.checkedAt());
    }

    private static EncryptionContext contextOf(ProviderKey key) {
        return new EncryptionContext(key.accountId(), key.provider(), key.id());
    }

    private static TollgateException busy() {
        return new TollgateException(ErrorCode.CONFLICT, "The key is being changed by another request; retry");
    }
}
