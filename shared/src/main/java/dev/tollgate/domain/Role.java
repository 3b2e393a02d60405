package dev.tollgate.domain;

/**
 * What the caller may do in the account a request acts for: the owner of a personal account, an admin or member of a
 * workspace, or an agent of a workspace.
 */
public enum Role {
    OWNER, ADMIN, MEMBER, AGENT;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Owners of personal accounts and workspace admins manage keys, agents and members. */
    public boolean canManage() {
        return this == OWNER || this == ADMIN;
    }

    public static Role parseMemberRole(String value) {
        if ("admin".equals(value)) {
            return ADMIN;
        }
        if ("member".equals(value)) {
            return MEMBER;
        }
        throw TollgateException.validation("/role", "role must be 'admin' or 'member'");
    }
}
