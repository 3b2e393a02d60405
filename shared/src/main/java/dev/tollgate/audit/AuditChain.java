package dev.tollgate.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hash chain of an audit log. {@code hash = hex(SHA-256(canonical JSON of account_id, seq, at, actor, action,
 * object_id, details, prev_hash))} with keys sorted at every level; the first entry's {@code prev_hash} is 64 zeros.
 * {@link #verify} is what {@code ./tollgate admin audit verify} runs on the entries it downloads: any edited field
 * breaks that entry's hash, a removed or reordered entry breaks the next link or the numbering.
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private AuditChain() {
    }

    public static String canonical(AuditEntry e) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("account_id", e.accountId());
        fields.put("seq", e.seq());
        fields.put("at", e.at().toString());
        fields.put("actor", e.actor());
        fields.put("action", e.action());
        fields.put("object_id", e.objectId());
        fields.put("details", new TreeMap<>(e.details()));
        fields.put("prev_hash", e.prevHash());
        try {
            return CANONICAL.writeValueAsString(fields);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    public static String hash(AuditEntry e) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical(e).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** One problem found in a chain. */
    public record Problem(long seq, String kind, String message) {
    }

    /** Checks entries of one account (any order): numbering 1..N without gaps, each hash, each link. */
    public static List<Problem> verify(List<AuditEntry> entries) {
        List<AuditEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(AuditEntry::seq));
        List<Problem> problems = new ArrayList<>();
        String previousHash = GENESIS;
        long expectedSeq = 1;
        for (AuditEntry e : sorted) {
            if (e.seq() != expectedSeq) {
                problems.add(new Problem(e.seq(), "gap", e.seq() < expectedSeq
                        ? "entry " + e.seq() + " appears twice"
                        : "entries " + expectedSeq + ".." + (e.seq() - 1) + " are missing"));
            }
            String recomputed = hash(e);
            if (!recomputed.equals(e.hash())) {
                problems.add(new Problem(e.seq(), "edited", "entry " + e.seq() + " does not match its hash"));
            }
            if (!e.prevHash().equals(previousHash) && e.seq() == expectedSeq) {
                problems.add(new Problem(e.seq(), "broken_link",
                        "entry " + e.seq() + " does not point at the hash of entry " + (e.seq() - 1)));
            }
            previousHash = e.hash();
            expectedSeq = e.seq() + 1;
        }
        return problems;
    }
}
