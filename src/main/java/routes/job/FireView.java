package routes.job;

import java.time.Instant;

/** One fire of a job as the API shows it: FIRED (with its task), SKIPPED or MISSED (with the reason). */
public record FireView(Instant scheduledAt, String state, String taskId, String message, Instant takenAt) {
}
