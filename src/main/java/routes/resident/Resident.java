package routes.resident;

import java.time.Duration;
import routes.message.TaskSpec;

/** A resident definition as stored, with its restart bookkeeping (see V6__residents.sql). */
public record Resident(String id, String name, int instances, TaskSpec task, Duration restartBackoff,
                       Duration maxBackoff, int failures, long notBefore, long endedSeen, long createdAt,
                       long updatedAt) {

    /** The wait before the next start, after {@code failures} instances in a row ended soon after starting. */
    Duration backoff(int failures) {
        Duration wait = restartBackoff.multipliedBy(1L << Math.min(30, Math.max(0, failures - 1)));
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
