package routes.job;

import java.util.List;
import routes.message.TaskSpec;

/**
 * A job as stored.
 *
 * @param nextFireAt the first fire time not planned yet (epoch ms); null when the schedule has no more fires
 * @param version    bumped by every edit, pause and resume
 * @param keepRuns   ended runs retention keeps; null for caravan.retention.runs-per-job, 0 for all
 * @param onSuccess  names of the jobs a succeeded run starts
 * @param onFailure  names of the jobs a run that failed for good starts
 */
public record Job(String id, String name, JobSchedule schedule, TaskSpec task, Overlap overlap, Integer maxRunning,
                  Misfire misfire, boolean paused, Long nextFireAt, int version, long createdAt, long updatedAt,
                  Integer keepRuns, List<String> onSuccess, List<String> onFailure) {
}
