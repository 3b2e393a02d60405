package dev.tollgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    private static List<AuditEntry> chain(int n) {
        List<AuditEntry> entries = new ArrayList<>();
        AuditEntry previous = null;
        for (int i = 0; i < n; i++) {
            previous = AuditEntry.next("acct_1", previous, Instant.parse("2026-04-16T12:00:00Z").plusSeconds(i),
                    "api_key:key_1", "byok.registered", "byok_" + i, Map.of("provider", "openai"));
            entries.add(previous);
        }
        return entries;
    }

    @Test
    void anIntactChainVerifies() {
        List<AuditEntry> entries = chain(5);
        assertEquals(AuditChain.GENESIS, entries.get(0).prevHash());
        assertEquals(entries.get(0).hash(), entries.get(1).prevHash());
        assertTrue(AuditChain.verify(entries).isEmpty());
        assertEquals(64, entries.get(4).hash().length());
    }

    @Test
    void anEditedFieldIsFound() {
        List<AuditEntry> entries = chain(5);
        AuditEntry e = entries.get(2);
        entries.set(2, new AuditEntry(e.accountId(), e.seq(), e.at(), e.actor(), "byok.deleted", e.objectId(),
                e.details(), e.prevHash(), e.hash()));
        var problems = AuditChain.verify(entries);
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("edited", problems.get(0).kind());
        assertEquals(3, problems.get(0).seq());
    }

    @Test
    void aRehashedEditBreaksTheNextLink() {
        List<AuditEntry> entries = chain(5);
        AuditEntry e = entries.get(2);
        AuditEntry forged = new AuditEntry(e.accountId(), e.seq(), e.at(), "operator:mallory", e.action(), e.objectId(),
                e.details(), e.prevHash(), "");
        entries.set(2, forged.withHash(AuditChain.hash(forged)));
        var problems = AuditChain.verify(entries);
        assertEquals(List.of("broken_link"), problems.stream().map(AuditChain.Problem::kind).toList());
        assertEquals(4, problems.get(0).seq());
    }

    @Test
    void aRemovedEntryIsAGap() {
        List<AuditEntry> entries = chain(5);
        entries.remove(1);
        var kinds = AuditChain.verify(entries).stream().map(AuditChain.Problem::kind).toList();
        assertTrue(kinds.contains("gap"), kinds.toString());
    }
}
