package routes.access;

import java.util.Arrays;
import java.util.Locale;

/** What a caller may do, each role covering the ones before it. */
public enum Role {
    /** reads everything except secrets */
    VIEWER,
    /** also submits, cancels and retries tasks, pauses, resumes and runs jobs, drains agents */
    OPERATOR,
    /** also users, other users' tokens, definitions of jobs, residents and versions, the quarantine, hawtio */
    ADMIN;

    public boolean covers(Role needed) {
        return ordinal() >= needed.ordinal();
    }

    public Role atMost(Role ceiling) {
        return covers(ceiling) ? ceiling : this;
    }

    /** The role's name as the API writes it: {@code viewer}, {@code operator}, {@code admin}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named by {@code word}, or null when it names none. */
    public static Role of(String word) {
        return word == null ? null : Arrays.stream(values())
                .filter(role -> role.word().equals(word.trim().toLowerCase(Locale.ROOT))).findFirst().orElse(null);
    }
}
