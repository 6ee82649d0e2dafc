package routes.job;

import routes.message.TaskSpec;

/**
 * A job as stored.
 *
 * @param nextFireAt the first fire time not planned yet (epoch ms); null when the schedule has no more fires
 * @param version    bumped by every edit, pause and resume
 * @param keepRuns   ended runs retention keeps; null for caravan.retention.runs-per-job, 0 for all
 */
public record Job(String id, String name, JobSchedule schedule, TaskSpec task, Overlap overlap, Integer maxRunning,
                  Misfire misfire, boolean paused, Long nextFireAt, int version, long createdAt, long updatedAt,
                  Integer keepRuns) {
}
