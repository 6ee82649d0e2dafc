package routes.job;

import routes.task.TaskSpec;

/**
 * A validated job definition.
 *
 * @param task       the template every fire's task is made from
 * @param maxRunning most runs alive at once; null for no limit
 */
public record JobSpec(String name, JobSchedule schedule, TaskSpec task, Overlap overlap, Integer maxRunning,
                      Misfire misfire, boolean paused) {
}
