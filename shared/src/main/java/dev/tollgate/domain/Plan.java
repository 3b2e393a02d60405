package dev.tollgate.domain;

import java.util.Locale;

/** Account plans. BYOK needs {@link #PRO} or higher (SPEC §6.5). */
public enum Plan {
    FREE, PRO, TEAM;

    public boolean allowsByok() {
        return this != FREE;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Plan parse(String value) {
        if (value != null) {
            for (Plan plan : values()) {
                if (plan.wire().equals(value)) {
                    return plan;
                }
            }
        }
        throw TollgateException.validation("/plan", "plan must be one of: free, pro, team");
    }
}
