package dev.tollgate.domain;

import java.time.Instant;

/** A holder of credits and BYOK keys: a person's personal account or a workspace. */
public record Account(String id, Type type, Plan plan, Status status, String name, Instant createdAt) {

    public enum Type {
        PERSONAL, WORKSPACE;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Type parse(String value) {
            if ("personal".equals(value)) {
                return PERSONAL;
            }
            if ("workspace".equals(value)) {
                return WORKSPACE;
            }
            throw TollgateException.validation("/type", "type must be 'personal' or 'workspace'");
        }
    }

    public enum Status {
        ACTIVE, SUSPENDED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Status parse(String value) {
            if ("active".equals(value)) {
                return ACTIVE;
            }
            if ("suspended".equals(value)) {
                return SUSPENDED;
            }
            throw TollgateException.validation("/status", "status must be 'active' or 'suspended'");
        }
    }

    /** Workspace accounts use the {@code ws_} prefix so the same id works in workspace and operator routes. */
    public static String idPrefix(Type type) {
        return type == Type.WORKSPACE ? "ws" : "acct";
    }

    public Account withPlan(Plan newPlan) {
        return new Account(id, type, newPlan, status, name, createdAt);
    }

    public Account withStatus(Status newStatus) {
        return new Account(id, type, plan, newStatus, name, createdAt);
    }
}
