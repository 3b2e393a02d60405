package dev.tollgate.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    private final Instant now = Instant.parse("2026-11-23T12:00:00Z");
    private final InMemoryKeys keys = new InMemoryKeys();
    private final Authenticator authenticator = new Authenticator(keys, Clock.fixed(now, ZoneOffset.UTC));

    @Test
    void aValidTokenResolvesToItsCallerAndIsStampedAtMostOncePerMinute() {
        String token = store("acct_1", null, null);
        Caller caller = authenticator.authenticate(Optional.of("Bearer " + token));
        assertEquals("acct_1", caller.homeAccountId());
        assertEquals(1, keys.touches.size());

        String recent = store("acct_2", now.minusSeconds(30), null);
        authenticator.authenticate(Optional.of("bearer " + recent));
        assertEquals(1, keys.touches.size(), "used 30 s ago: no write");
    }

    @Test
    void everyKindOfBadCredentialIsTheSame401() {
        String revoked = store("acct_1", null, now.minusSeconds(1));
        String unknown = ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX);
        for (Optional<String> header : List.of(Optional.<String>empty(), Optional.of("Basic abc"), Optional.of("Bearer "),
                Optional.of("Bearer not-a-token"), Optional.of("Bearer " + unknown), Optional.of("Bearer " + revoked))) {
            TollgateException e = assertThrows(TollgateException.class, () -> authenticator.authenticate(header));
            assertEquals(ErrorCode.UNAUTHORIZED, e.code());
            assertEquals(TollgateException.unauthorized().getMessage(), e.getMessage());
        }
    }

    private String store(String account, Instant lastUsed, Instant revoked) {
        String token = ApiKeyTokens.generate(ApiKeyTokens.TEST_PREFIX);
        keys.create(new ApiKeyRecord("key_" + account, ApiKeyTokens.hash(token), account, Caller.PrincipalType.PERSON,
                account, "t", ApiKeyTokens.hint(token), now, lastUsed, revoked));
        return token;
    }

    static final class InMemoryKeys implements ApiKeyStore {
        final Map<String, ApiKeyRecord> byHash = new HashMap<>();
        final List<String> touches = new ArrayList<>();

        @Override
        public void create(ApiKeyRecord record) {
            byHash.put(record.keyHash(), record);
        }

        @Override
        public Optional<ApiKeyRecord> findByHash(String keyHash) {
            return Optional.ofNullable(byHash.get(keyHash));
        }

        @Override
        public Optional<ApiKeyRecord> findById(String keyId) {
            return byHash.values().stream().filter(r -> r.keyId().equals(keyId)).findFirst();
        }

        @Override
        public List<ApiKeyRecord> listByAccount(String accountId) {
            return byHash.values().stream().filter(r -> r.accountId().equals(accountId)).toList();
        }

        @Override
        public boolean revoke(String keyId, Instant at) {
            return false;
        }

        @Override
        public void touch(String keyHash, Instant at, Instant staleBefore) {
            touches.add(keyHash);
        }
    }
}
