package routes.job;

import com.fasterxml.jackson.annotation.JsonValue;

/** What happens to fires missed while no control node ran (taken later than the misfire threshold). */
public enum Misfire {
    /** one catch-up run for the latest missed fire; the others are recorded as missed */
    FIRE_ONCE,
    /** no catch-up; every missed fire is recorded as missed */
    SKIP;

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }
}
