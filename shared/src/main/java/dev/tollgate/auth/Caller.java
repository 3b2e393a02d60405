package dev.tollgate.auth;

/**
 * Who sent a request, as established from their API key: a person (whose home account is their personal account)
 * or an agent (whose home account is its workspace).
 */
public record Caller(String keyId, PrincipalType principalType, String principalId, String homeAccountId) {

    public enum PrincipalType {
        PERSON, AGENT;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static PrincipalType parse(String value) {
            return "agent".equals(value) ? AGENT : PERSON;
        }
    }

    public boolean isAgent() {
        return principalType == PrincipalType.AGENT;
    }
}
