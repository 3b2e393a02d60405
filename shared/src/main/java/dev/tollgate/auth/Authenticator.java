package dev.tollgate.auth;

import dev.tollgate.domain.TollgateException;
import dev.tollgate.log.Log;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Turns an {@code Authorization: Bearer tg_...} header into a {@link Caller}. Every failure is the same 401 so the
 * response never tells which part was wrong; malformed tokens (bad shape or checksum) are refused without a
 * database read.
 */
public final class Authenticator {
    private static final Log LOG = Log.get(Authenticator.class);
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final ApiKeyStore keys;
    private final Clock clock;

    public Authenticator(ApiKeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    public Caller authenticate(Optional<String> authorizationHeader) {
        String token = bearerToken(authorizationHeader).orElseThrow(TollgateException::unauthorized);
        if (!ApiKeyTokens.isWellFormed(token)) {
            throw TollgateException.unauthorized();
        }
        String hash = ApiKeyTokens.hash(token);
        return accept(keys.findByHash(hash).orElse(null), hash);
    }

    /**
     * The caller of the stored key {@code record} read under {@code hash} (null: none), refused like
     * {@link #authenticate} when there is none or it is revoked; stamps its last use at most once a minute.
     */
    public Caller accept(ApiKeyRecord record, String hash) {
        if (record == null) {
            throw TollgateException.unauthorized();
        }
        if (record.revoked()) {
            LOG.info("revoked api key used", "key_id", record.keyId());
            throw TollgateException.unauthorized();
        }
        Instant now = clock.instant();
        if (record.lastUsedAt() == null || record.lastUsedAt().isBefore(now.minus(TOUCH_INTERVAL))) {
            keys.touch(hash, now, now.minus(TOUCH_INTERVAL));
        }
        return record.caller();
    }

    /** The token of an {@code Authorization: Bearer …} header, if it has one. */
    public static Optional<String> bearerToken(Optional<String> header) {
        return header.map(String::trim)
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim())
                .filter(t -> !t.isEmpty());
    }
}
