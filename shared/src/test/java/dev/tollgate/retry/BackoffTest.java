package dev.tollgate.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void theDelayIsFullJitterUpToAnExponentialCapOf32Millis() {
        RandomGenerator random = new SplittableRandom(14);
        for (int attempt = 0; attempt <= 12; attempt++) {
            long cap = 1L + (1L << Math.min(attempt, 5));
            long max = 0;
            for (int i = 0; i < 2_000; i++) {
                long delay = Backoff.delayMillis(attempt, random);
                assertTrue(delay >= 1 && delay <= cap, "attempt " + attempt + ": " + delay);
                max = Math.max(max, delay);
            }
            assertEquals(cap, max, "attempt " + attempt + " reaches its cap");
        }
    }

    @Test
    void aNegativeAttemptWaitsAsTheFirst() {
        RandomGenerator random = new SplittableRandom(1);
        for (int i = 0; i < 100; i++) {
            long delay = Backoff.delayMillis(-3, random);
            assertTrue(delay >= 1 && delay <= 2, String.valueOf(delay));
        }
    }
}
