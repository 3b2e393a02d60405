package dev.tollgate.retry;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The pause between attempts of every retry loop: full-jitter exponential backoff, a random 1 ms up to 2^attempt ms
 * (capped at 32 ms), so that writers who collided spread out instead of colliding again in step. Short, because the
 * loops it serves retry conditional DynamoDB writes inside one request.
 */
public final class Backoff {
    private static final int MAX_EXPONENT = 5;

    private Backoff() {
    }

    /** Sleeps before attempt {@code attempt + 1}; an interrupted request fails rather than retrying on. */
    public static void pause(int attempt) {
        try {
            Thread.sleep(delayMillis(attempt, ThreadLocalRandom.current()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TollgateException(ErrorCode.INTERNAL_ERROR, "interrupted");
        }
    }

    static long delayMillis(int attempt, RandomGenerator random) {
        return random.nextLong(1, 2 + (1L << Math.min(Math.max(attempt, 0), MAX_EXPONENT)));
    }
}
