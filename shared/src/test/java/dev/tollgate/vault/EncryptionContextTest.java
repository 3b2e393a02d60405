package dev.tollgate.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncryptionContextTest {

    @Test
    void canonicalFormHasSortedKeysAndNoWhitespace() {
        var context = new EncryptionContext("acct_1", "openai", "byok_1");
        assertEquals("{\"tollgate:account\":\"acct_1\",\"tollgate:key\":\"byok_1\",\"tollgate:provider\":\"openai\"}",
                new String(context.canonicalBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void valuesAreEscapedSoNoTwoContextsShareACanonicalForm() {
        var tricky = new EncryptionContext("a\",\"tollgate:key\":\"x", "p", "k");
        assertEquals("{\"tollgate:account\":\"a\\\",\\\"tollgate:key\\\":\\\"x\",\"tollgate:key\":\"k\",\"tollgate:provider\":\"p\"}",
                new String(tricky.canonicalBytes(), StandardCharsets.UTF_8));
    }
}
