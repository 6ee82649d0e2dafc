package routes.job;

import routes.message.TaskSpec;

/**
 * A validated job definition.
 *
 * @param task       the template every fire's task is made from
 * @param maxRunning most runs alive at once; null for no limit
 * @param keepRuns   ended runs retention keeps, newest first; null for caravan.retention.runs-per-job, 0 for all
 * @param paused     null when not given: a new job is not paused, an edited one keeps its state
 */
public record JobSpec(String name, JobSchedule schedule, TaskSpec task, Overlap overlap, Integer maxRunning,
                      Misfire misfire, Boolean paused, Integer keepRuns) {
}
