package dev.tollgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Stored timestamps read back exactly as {@link Instant#parse} reads them, fast path or not. */
class AttrTest {

    @Test
    void everyInstantWrittenReadsBackUnchanged() {
        Random random = new Random(14);
        long latest = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            long seconds = Math.floorMod(random.nextLong(), latest);
            // Whole seconds, milliseconds, microseconds and nanoseconds: Instant.toString() writes 0, 3, 6 or 9 digits.
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant written = Instant.ofEpochSecond(seconds, nanos);
            assertEquals(written, Attr.parseInstant(written.toString()), written.toString());
        }
    }

    @Test
    void otherFormsAreReadAsInstantParseReadsThem() {
        for (String text : new String[] {"2026-12-01T14:33:16.9Z", "2026-12-01T14:33:16.99Z", "2026-02-28T23:59:59.5Z",
                "2024-02-29T00:00:00Z", "2026-12-01T14:33:16.Z", "0000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "2026-12-01T24:00:00Z",
                "2026-12-01t14:33:16Z"}) {
            assertEquals(Instant.parse(text), Attr.parseInstant(text), text);
        }
    }

    @Test
    void whatInstantParseRefusesIsRefused() {
        for (String text : new String[] {"2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-12-01T14:33:60Z",
                "2026-12-01T14:61:00Z", "2026-12-01T14:33:16.1234567890Z", "2026-1a-01T00:00:00Z",
                "2026-12-01 14:33:16Z", "2026-12-01T14:33:16", "-026-12-01T14:33:16Z"}) {
            assertThrows(DateTimeParseException.class, () -> Instant.parse(text), text);
            assertThrows(DateTimeParseException.class, () -> Attr.parseInstant(text), text);
        }
    }
}
