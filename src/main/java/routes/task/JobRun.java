package routes.task;

import routes.message.TaskSpec;

/**
 * A task a job's fire makes.
 *
 * @param scheduledAt the fire's scheduled time (epoch ms), so the run's lateness can be told
 * @param reason      the first event's message
 * @param broadcastId the broadcast this run is one task of (a job with target "all"), or null
 */
public record JobRun(String taskId, String jobId, long scheduledAt, TaskSpec spec, String reason, String broadcastId) {
}
