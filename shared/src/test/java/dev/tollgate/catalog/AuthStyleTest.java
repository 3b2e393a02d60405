package dev.tollgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthStyleTest {

    @Test
    void parsesEveryStyle() {
        assertEquals(new AuthStyle(AuthStyle.Kind.BEARER, Optional.empty()), AuthStyle.parse("bearer"));
        assertEquals(new AuthStyle(AuthStyle.Kind.HEADER, Optional.of("x-api-key")), AuthStyle.parse("header:x-api-key"));
        assertEquals(new AuthStyle(AuthStyle.Kind.QUERY, Optional.of("key")), AuthStyle.parse("query:key"));
        assertEquals(AuthStyle.Kind.BASIC, AuthStyle.parse("basic").kind());
        assertEquals(AuthStyle.Kind.BASE_URL, AuthStyle.parse("base_url").kind());
        assertFalse(AuthStyle.parse("none").needsSecret());
        assertTrue(AuthStyle.parse("base_url").needsSecret());
        assertEquals("header:xi-api-key", AuthStyle.parse("header:xi-api-key").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer", "header", "header:", "header:x api", "query:", "cookie:x", "basic:x",
            "header:x\r\nInjected: 1"})
    void refusesAnythingElse(String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AuthStyle.parse(spec));
        assertTrue(e.getMessage().contains("bearer, header:<Name>"), e.getMessage());
    }

    @Test
    void styleAndParameterMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> new AuthStyle(AuthStyle.Kind.HEADER, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new AuthStyle(AuthStyle.Kind.BEARER, Optional.of("x")));
    }
}
