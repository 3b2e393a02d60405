package dev.tollgate.paging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CursorsTest {
    @Test
    void aPositionComesBackAsItWasWritten() {
        String cursor = Cursors.encode("run:2026-12-01T12:00:00Z\nagent/é");
        assertEquals("run:2026-12-01T12:00:00Z\nagent/é", Cursors.decode(cursor, text -> text));
        assertEquals("led_01ABC", Cursors.decodeId(Cursors.encode("led_01ABC"), "led"));
    }

    @Test
    void aCursorIsUrlSafeAndUnpadded() {
        String cursor = Cursors.encode("byok_???>>>");
        assertEquals(-1, cursor.indexOf('='));
        assertEquals(-1, cursor.indexOf('+'));
        assertEquals(-1, cursor.indexOf('/'));
    }

    @Test
    void anythingButAPositionOfThisListIsInvalidCursor() {
        assertInvalid(() -> Cursors.decode("not base64!", text -> text));
        assertInvalid(() -> Cursors.decode(Cursors.encode("x"), text -> null));
        assertInvalid(() -> Cursors.decode(Cursors.encode("yesterday"), Instant::parse));
        assertInvalid(() -> Cursors.decodeId(Cursors.encode("use_01ABC"), "led"));
    }

    private static void assertInvalid(Runnable decode) {
        TollgateException e = assertThrows(TollgateException.class, decode::run);
        assertEquals(ErrorCode.INVALID_CURSOR, e.code());
    }
}
