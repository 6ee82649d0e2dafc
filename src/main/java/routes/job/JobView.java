package routes.job;

import java.time.Instant;
import routes.message.TaskSpec;

/** A job as the API shows it. {@code nextFireAt} is null when the job is paused or will not fire again. */
public record JobView(String id, String name, JobSchedule schedule, String description, TaskSpec task,
                      Overlap overlap, Integer maxRunning, Misfire misfire, boolean paused, Instant nextFireAt,
                      Instant createdAt, Instant updatedAt) {
}
