package routes.job;

import java.util.List;
import routes.message.TaskSpec;

/**
 * A validated job definition.
 *
 * @param task       the template every fire's task is made from
 * @param maxRunning most runs alive at once; null for no limit
 * @param keepRuns   ended runs retention keeps, newest first; null for caravan.retention.runs-per-job, 0 for all
 * @param paused     null when not given: a new job is not paused, an edited one keeps its state
 * @param onSuccess  names of the jobs to run when a run of this one succeeds; empty for none
 * @param onFailure  names of the jobs to run when a run of this one fails for good (FAILED or TIMED_OUT, no
 *                   attempts left); empty for none
 */
public record JobSpec(String name, JobSchedule schedule, TaskSpec task, Overlap overlap, Integer maxRunning,
                      Misfire misfire, Boolean paused, Integer keepRuns,
                      List<String> onSuccess, List<String> onFailure) {
}
