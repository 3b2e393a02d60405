package dev.tollgate.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.app.Services;
import dev.tollgate.audit.AuditChain;
import dev.tollgate.audit.AuditEntry;
import dev.tollgate.domain.Account;
import dev.tollgate.domain.Plan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The vault's contract, run against each implementation of the KMS port ({@link LocalKeyringVaultIT},
 * {@link AwsKmsVaultIT} on moto_server) with the registry on DynamoDB Local: envelope round trip, tamper and
 * context binding, moved records, atomic replacement under concurrency, purge on delete, per-call decryption and
 * rewrap.
 */
abstract class VaultContract {
    static final String OPENAI_KEY = "sk-proj-" + "A".repeat(30) + "c0n7";

    /** Real wiring with this suite's KMS port. */
    abstract Services services();

    /** A second master key of the same port, target of rewrap. */
    abstract String otherMasterKeyId();

    private Account proAccount() {
        return services().accountService().create(Account.Type.PERSONAL, Plan.PRO, "t", "test");
    }

    private static String openaiKey(int i) {
        return "sk-proj-" + "B".repeat(24) + String.format("%06d", i);
    }

    @Test
    void aSealedSecretOpensOnlyUnderItsOwnContext() {
        EnvelopeCipher cipher = services().envelope();
        var context = new EncryptionContext("acct_1", "openai", "byok_1");
        SealedSecret sealed = cipher.seal(OPENAI_KEY.getBytes(StandardCharsets.UTF_8), context);
        assertEquals(SealedSecret.SCHEME_V1, sealed.scheme());
        assertEquals(12, sealed.nonce().length);
        assertEquals(OPENAI_KEY.length() + 16, sealed.ciphertext().length, "ciphertext carries a 128-bit tag");
        assertFalse(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1).contains("sk-proj"));
        assertArrayEquals(OPENAI_KEY.getBytes(StandardCharsets.UTF_8), cipher.open(sealed, context));

        for (EncryptionContext other : List.of(new EncryptionContext("acct_2", "openai", "byok_1"),
                new EncryptionContext("acct_1", "openrouter", "byok_1"), new EncryptionContext("acct_1", "openai", "byok_2"))) {
            assertThrows(VaultCryptoException.class, () -> cipher.open(sealed, other), other.toString());
            assertThrows(VaultCryptoException.class,
                    () -> cipher.dataKeys().decrypt(sealed.wrappedKey(), sealed.masterKeyId(), other),
                    "the KMS layer alone refuses " + other);
        }
    }

    @Test
    void oneFlippedBitInCiphertextNonceTagOrWrappedKeyFailsToDecrypt() {
        EnvelopeCipher cipher = services().envelope();
        var context = new EncryptionContext("acct_1", "openai", "byok_1");
        SealedSecret sealed = cipher.seal(OPENAI_KEY.getBytes(StandardCharsets.UTF_8), context);
        int tagStart = sealed.ciphertext().length - 16;
        List<SealedSecret> tampered = List.of(
                new SealedSecret(flip(sealed.ciphertext(), 0), sealed.nonce(), sealed.wrappedKey(), sealed.masterKeyId(), 1),
                new SealedSecret(flip(sealed.ciphertext(), tagStart + 7), sealed.nonce(), sealed.wrappedKey(), sealed.masterKeyId(), 1),
                new SealedSecret(sealed.ciphertext(), flip(sealed.nonce(), 5), sealed.wrappedKey(), sealed.masterKeyId(), 1),
                new SealedSecret(sealed.ciphertext(), sealed.nonce(), flip(sealed.wrappedKey(), sealed.wrappedKey().length / 2),
                        sealed.masterKeyId(), 1),
                new SealedSecret(sealed.ciphertext(), sealed.nonce(), flip(sealed.wrappedKey(), sealed.wrappedKey().length - 1),
                        sealed.masterKeyId(), 1));
        for (SealedSecret t : tampered) {
            assertThrows(VaultCryptoException.class, () -> cipher.open(t, context));
        }
        assertArrayEquals(OPENAI_KEY.getBytes(StandardCharsets.UTF_8), cipher.open(sealed, context), "the original still opens");
    }

    private static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 0x01;
        return copy;
    }

    @Test
    void aRecordMovedToAnotherAccountProviderOrIdFailsToDecrypt() {
        Account owner = proAccount();
        KeyRegistry registry = services().keyRegistry();
        ProviderKey key = registry.registerPersonal(owner, "test", "openai", OPENAI_KEY, null, false).key();
        KeyVault vault = services().keyVault();
        assertEquals(OPENAI_KEY, vault.useSecret(vault.activeKey(owner.id(), "openai").orElseThrow(), Secret::reveal));

        var table = services().tables().providerKeys();
        var dynamo = services().dynamo();
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                .key(Map.of("account_id", AttributeValue.fromS(owner.id()), "sk", AttributeValue.fromS("key#" + key.id())))).item();

        Account thief = proAccount();
        List<UnaryOperator<Map<String, AttributeValue>>> moves = List.of(
                i -> with(i, "account_id", thief.id()),
                i -> with(with(i, "provider", "openrouter"), "account_id", thief.id()),
                i -> with(with(with(i, "byok_id", "byok_0000000000FORGEDFORGED00"), "sk", "key#byok_0000000000FORGEDFORGED00"),
                        "account_id", thief.id()));
        for (var move : moves) {
            Map<String, AttributeValue> copy = move.apply(item);
            dynamo.putItem(b -> b.tableName(table).item(copy));
            String id = copy.get("byok_id").s();
            ProviderKey copied = vault.find(thief.id(), id).orElseThrow();
            assertThrows(VaultCryptoException.class, () -> vault.useSecret(copied, Secret::reveal), copy.get("provider").s());
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of("account_id", copy.get("account_id"), "sk", copy.get("sk"))));
        }
        // Same account, provider changed in place.
        dynamo.putItem(b -> b.tableName(table).item(with(item, "provider", "openrouter")));
        ProviderKey relabelled = vault.find(owner.id(), key.id()).orElseThrow();
        assertThrows(VaultCryptoException.class, () -> vault.useSecret(relabelled, Secret::reveal));
    }

    private static Map<String, AttributeValue> with(Map<String, AttributeValue> item, String name, String value) {
        Map<String, AttributeValue> copy = new HashMap<>(item);
        copy.put(name, AttributeValue.fromS(value));
        return copy;
    }

    @Test
    void secretsAreDecryptedPerCallAndWipedWhenTheCallbackReturns() {
        Account account = proAccount();
        services().keyRegistry().registerPersonal(account, "test", "openai", OPENAI_KEY, null, false);
        KeyVault vault = services().keyVault();
        ProviderKey key = vault.activeKey(account.id(), "openai").orElseThrow();
        Secret[] lent = new Secret[1];
        int length = vault.useSecret(key, s -> {
            lent[0] = s;
            return s.length();
        });
        assertEquals(OPENAI_KEY.length(), length);
        assertThrows(IllegalStateException.class, lent[0]::reveal, "wiped after use");
        assertEquals("Secret[redacted]", lent[0].toString());
        // A second call decrypts again (nothing cached in plaintext) and still works without activeKey first.
        assertEquals(OPENAI_KEY, vault.useSecret(key, Secret::reveal));
    }

    @Test
    void twentyConcurrentRegistrationsLeaveExactlyOneKeyAndAnUnbrokenAuditChain() throws Exception {
        Account account = proAccount();
        KeyRegistry registry = services().keyRegistry();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<KeyRegistry.Registered>> results = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                int n = i;
                Callable<KeyRegistry.Registered> task = () -> {
                    start.await();
                    return registry.registerPersonal(account, "test", "openai", openaiKey(n), null, false);
                };
                results.add(pool.submit(task));
            }
            start.countDown();
            List<KeyRegistry.Registered> registered = new ArrayList<>();
            for (var f : results) {
                registered.add(f.get());
            }
            var stored = services().providerKeyStore().load(account.id());
            assertEquals(1, stored.keys().size(), "exactly one key record remains");
            String survivor = stored.keys().get(0).key().id();
            assertEquals(survivor, stored.slots().get("openai"));
            // Every registration replaced exactly the one before it: one chain, no key replaced twice.
            assertEquals(1, registered.stream().filter(r -> r.replaced() == null).count());
            assertEquals(19, registered.stream().map(KeyRegistry.Registered::replaced).filter(Objects::nonNull).distinct().count());
            assertFalse(registered.stream().anyMatch(r -> survivor.equals(r.replaced())));
            String survivorSecret = services().keyVault().useSecret(stored.keys().get(0).key(), Secret::reveal);
            assertTrue(registered.stream().anyMatch(r -> r.key().id().equals(survivor)));
            assertTrue(survivorSecret.startsWith("sk-proj-BBBB"));

            List<AuditEntry> audit = new ArrayList<>();
            String cursor = null;
            do {
                var page = services().auditLog().entries(account.id(), cursor, 7);
                audit.addAll(page.items());
                cursor = page.nextCursor();
            } while (cursor != null);
            assertEquals(21, audit.size(), "account.created + 20 registrations");
            assertEquals(19, audit.stream().filter(e -> e.action().equals("byok.replaced")).count());
            assertTrue(AuditChain.verify(audit).isEmpty(), AuditChain.verify(audit).toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deletePurgesTheRecordAndItsPointer() {
        Account account = proAccount();
        KeyRegistry registry = services().keyRegistry();
        ProviderKey key = registry.registerPersonal(account, "test", "openai", OPENAI_KEY, null, false).key();
        registry.delete(account.id(), key.id(), "test");
        var items = services().dynamo().query(b -> b.tableName(services().tables().providerKeys())
                .keyConditionExpression("account_id = :a")
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(account.id())))).items();
        assertEquals(List.of(), items, "no record, no ciphertext, no wrapped key, no slot");
        assertTrue(services().keyVault().activeKey(account.id(), "openai").isEmpty());
        assertThrows(dev.tollgate.domain.TollgateException.class, () -> registry.delete(account.id(), key.id(), "test"));
    }

    @Test
    void rewrapMovesEveryDataKeyToAnotherMasterKeyAndSecretsStillOpen() {
        Account account = proAccount();
        KeyRegistry registry = services().keyRegistry();
        Map<String, String> secrets = Map.of("openai", OPENAI_KEY, "stripe", "sk_test_" + "C".repeat(30),
                "tavily", "tvly-" + "D".repeat(30));
        secrets.forEach((provider, secret) -> registry.registerPersonal(account, "test", provider, secret, null, false));
        String target = otherMasterKeyId();

        // Other tests of this class leave deliberately tampered records in the table: those are reported, not fatal.
        int rewrapped = 0;
        String cursor = null;
        int pages = 0;
        do {
            var report = registry.rewrap(target, cursor, 2, "operator:test");
            rewrapped += report.rewrapped();
            cursor = report.nextCursor();
            pages++;
        } while (cursor != null);
        assertTrue(pages > 1, "walked page by page");
        assertTrue(rewrapped >= 3);
        for (var stored : services().providerKeyStore().load(account.id()).keys()) {
            assertEquals(target, stored.sealed().masterKeyId());
            assertEquals(secrets.get(stored.key().provider()),
                    services().keyVault().useSecret(stored.key(), Secret::reveal));
        }
        var again = registry.rewrap(target, null, 100, "operator:test");
        assertEquals(0, again.rewrapped());
        assertNotEquals(0, again.unchanged());
    }

    /** The provider's pointers as a request's first read sees them (no cache in between). */
    private KeysAtEntry keysAtEntry(Account account, String provider) {
        var entries = new dev.tollgate.store.DynamoEntryStore(services().dynamo(), services().tables());
        return entries.read("no-such-hash", account.id(), services().balanceShards(), provider).keys();
    }

    @Test
    void thePointersCopyOfAKeyFollowsItsRecordThroughRejectionRewrapAndDeletion() {
        Account account = proAccount();
        KeyRegistry registry = services().keyRegistry();
        KeyVault vault = services().keyVault();
        ProviderKey key = registry.registerPersonal(account, "test", "openai", OPENAI_KEY, null, false).key();

        KeysAtEntry read = keysAtEntry(account, "openai");
        assertTrue(read.complete());
        assertEquals(key.id(), read.active().orElseThrow().key().id());
        assertEquals(OPENAI_KEY, vault.useSecret(vault.activeKey(read).orElseThrow(), Secret::reveal));

        vault.markRejected(key, 401);
        assertEquals(ProviderKey.Status.REJECTED, keysAtEntry(account, "openai").active().orElseThrow().key().status());
        vault.markActive(keysAtEntry(account, "openai").active().orElseThrow().key());
        assertEquals(ProviderKey.Status.ACTIVE, keysAtEntry(account, "openai").active().orElseThrow().key().status());

        String target = otherMasterKeyId();
        String cursor = null;
        do {
            cursor = registry.rewrap(target, cursor, 50, "operator:test").nextCursor();
        } while (cursor != null);
        KeysAtEntry rewrapped = keysAtEntry(account, "openai");
        assertEquals(target, rewrapped.active().orElseThrow().sealed().masterKeyId());
        assertEquals(OPENAI_KEY, vault.useSecret(vault.activeKey(rewrapped).orElseThrow(), Secret::reveal));

        registry.delete(account.id(), key.id(), "test");
        KeysAtEntry deleted = keysAtEntry(account, "openai");
        assertTrue(deleted.complete());
        assertTrue(deleted.active().isEmpty(), "a deleted key's copy goes with it: the next call pays with credits");
    }

    @Test
    void aPointerWrittenBeforeCopiesSendsTheCallToTheRecord() {
        Account account = proAccount();
        ProviderKey key = services().keyRegistry().registerPersonal(account, "test", "openai", OPENAI_KEY, null, false)
                .key();
        services().dynamo().putItem(b -> b.tableName(services().tables().providerKeys()).item(Map.of(
                "account_id", AttributeValue.fromS(account.id()), "sk", AttributeValue.fromS("slot#openai"),
                "byok_id", AttributeValue.fromS(key.id()))));
        KeysAtEntry read = keysAtEntry(account, "openai");
        assertFalse(read.complete());
        KeyVault vault = services().keyVault();
        assertEquals(key.id(), vault.activeKey(read).orElseThrow().id());
        assertEquals(OPENAI_KEY, vault.useSecret(vault.activeKey(read).orElseThrow(), Secret::reveal));
    }

    @Test
    void platformKeysAreListedAndLent() {
        KeyRegistry registry = services().keyRegistry();
        registry.setPlatformKey("operator:test", "tavily", "tvly-" + "E".repeat(30));
        KeyVault vault = services().keyVault();
        assertTrue(vault.platformProviders().contains("tavily"));
        assertEquals("tvly-" + "E".repeat(30), vault.usePlatformSecret("tavily", Secret::reveal).orElseThrow());
        registry.setPlatformKey("operator:test", "tavily", "tvly-" + "F".repeat(30));
        assertEquals("tvly-" + "F".repeat(30), vault.usePlatformSecret("tavily", Secret::reveal).orElseThrow(),
                "replacing a platform key drops this process's cached copy");
        registry.deletePlatformKey("tavily", "operator:test");
        assertFalse(vault.platformProviders().contains("tavily"));
        assertTrue(vault.usePlatformSecret("tavily", Secret::reveal).isEmpty());
    }
}
