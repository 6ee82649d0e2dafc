package routes.job;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a fire does while earlier runs of its job are still alive (queued, dispatched or running). */
public enum Overlap {
    /** run anyway, up to the job's maxRunning */
    ALLOW,
    /** skip this fire, and record the skip */
    FORBID,
    /** cancel the alive runs, then run */
    REPLACE;

    @JsonValue
    public String wire() {
        return name().toLowerCase();
    }
}
