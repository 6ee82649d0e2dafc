package routes.task;

/**
 * A task a job's fire makes.
 *
 * @param scheduledAt the fire's scheduled time (epoch ms), so the run's lateness can be told
 * @param reason      the first event's message
 */
public record JobRun(String taskId, String jobId, long scheduledAt, TaskSpec spec, String reason) {
}
