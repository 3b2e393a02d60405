package dev.tollgate.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON shape of an audit entry, shared by {@code GET /api/v1/audit}, the operator route and the verifier in
 * the CLI, so that what is hashed server-side is exactly what the verifier recomputes.
 */
public final class AuditWire {
    private AuditWire() {
    }

    public static Map<String, Object> view(AuditEntry e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("seq", e.seq());
        view.put("at", e.at().toString());
        view.put("account_id", e.accountId());
        view.put("actor", e.actor());
        view.put("action", e.action());
        view.put("object_id", e.objectId());
        view.put("details", e.details());
        view.put("prev_hash", e.prevHash());
        view.put("hash", e.hash());
        return view;
    }

    public static AuditEntry parse(JsonNode node) {
        Map<String, String> details = new LinkedHashMap<>();
        node.path("details").fields().forEachRemaining(f -> details.put(f.getKey(), f.getValue().asText()));
        return new AuditEntry(node.path("account_id").asText(), node.path("seq").asLong(),
                Instant.parse(node.path("at").asText()), node.path("actor").asText(), node.path("action").asText(),
                node.path("object_id").asText(), details, node.path("prev_hash").asText(), node.path("hash").asText());
    }
}
