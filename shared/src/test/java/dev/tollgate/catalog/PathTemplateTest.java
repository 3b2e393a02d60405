package dev.tollgate.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathTemplateTest {

    @Test
    void placeholdersAreListedInOrderWithTheirSource() {
        PathTemplate t = PathTemplate.parse("/a/{AccountSid}/b/{id}.json", Set.of("AccountSid"));
        assertEquals(List.of(new PathParam("AccountSid", PathParam.Source.SECRET_USER),
                new PathParam("id", PathParam.Source.INPUT)), t.params());
        assertEquals(List.of("id"), t.inputParamNames());
    }

    @Test
    void valuesAreEncodedAsOneSegment() {
        PathTemplate t = PathTemplate.parse("/v1/voices/{voice_id}", Set.of());
        assertEquals("/v1/voices/abc", t.expand(Map.of("voice_id", "abc")));
        assertEquals("/v1/voices/a%2Fb%3Fc%23d%20e", t.expand(Map.of("voice_id", "a/b?c#d e")));
        assertEquals("/v1/voices/%C3%A9", t.expand(Map.of("voice_id", "\u00e9")));
        assertEquals("/v1/voices/..x", t.expand(Map.of("voice_id", "..x")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", ".."})
    void dotSegmentsAndEmptyValuesAreRefused(String value) {
        PathTemplate t = PathTemplate.parse("/v1/voices/{voice_id}", Set.of());
        TollgateException e = assertThrows(TollgateException.class, () -> t.expand(Map.of("voice_id", value)));
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertEquals("/voice_id", e.details().get("pointer"));
    }

    @Test
    void aMissingValueIsRefusedWithoutEchoingAnything() {
        PathTemplate t = PathTemplate.parse("/a/{x}", Set.of());
        TollgateException e = assertThrows(TollgateException.class, () -> t.expand(Map.of()));
        assertTrue(e.getMessage().contains("'x'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1/x", "/a/{b", "/a/b}", "/a/{}", "/a/{1x}", "/a/{x}/{x}", "/a?b=c", "/a b"})
    void malformedTemplatesAreRejected(String template) {
        assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse(template, Set.of()));
    }

    @Test
    void colonsInLiteralsAreKept() {
        PathTemplate t = PathTemplate.parse("/v1beta/models/{model}:generateContent", Set.of());
        assertFalse(t.params().isEmpty());
        assertEquals("/v1beta/models/m%3Ax:generateContent", t.expand(Map.of("model", "m:x")));
    }
}
