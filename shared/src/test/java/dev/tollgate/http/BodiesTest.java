package dev.tollgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BodiesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a\u0000b", "line\nbreak", "tab\there", "\u202Egnp.exe", "iso\u2066late", "c1\u0085"})
    void namesWithControlCharactersAreRefusedWithTheirPointer(String name) {
        TollgateException e = assertThrows(TollgateException.class,
                () -> Bodies.requireString(Json.object().put("name", name), "name", 200));
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertEquals("/name", e.details().get("pointer"));
    }

    @Test
    void ordinaryUnicodeNamesAreKept() {
        for (String name : new String[] {"Ada Lovelace", "Équipe R&D", "研究チーム", "team 🚀", "عربي"}) {
            assertEquals(name, Bodies.requireString(Json.object().put("name", name), "name", 200));
        }
    }
}
