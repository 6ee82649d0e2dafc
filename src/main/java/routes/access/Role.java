package routes.access;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a caller may do: viewer, operator and admin each cover the ones before them. Worker stands aside: a worker
 * token may use the worker protocol (/api/workers) and nothing else, restricted to its task types; operators and
 * admins may use the worker protocol too.
 */
public enum Role {
    /** leases payload tasks of its token's types, extends and reports them (/api/workers); reads nothing else */
    WORKER,
    /** reads everything except secrets */
    VIEWER,
    /** also submits, cancels and retries tasks, pauses, resumes and runs jobs, drains agents */
    OPERATOR,
    /** also users, other users' tokens, definitions of jobs, residents and versions, the quarantine, hawtio */
    ADMIN;

    public boolean covers(Role needed) {
        if (this == WORKER) {
            return needed == WORKER;
        }
        return needed == WORKER ? covers(OPERATOR) : ordinal() >= needed.ordinal();
    }

    public Role atMost(Role ceiling) {
        return covers(ceiling) ? ceiling : this;
    }

    /** The role's name as the API writes it: {@code worker}, {@code viewer}, {@code operator}, {@code admin}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named by {@code word}, or null when it names none. */
    public static Role of(String word) {
        return word == null ? null : Arrays.stream(values())
                .filter(role -> role.word().equals(word.trim().toLowerCase(Locale.ROOT))).findFirst().orElse(null);
    }
}
