package routes.job;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.List;
import routes.message.SecretEnv;
import routes.message.TaskSpec;

/**
 * A job as the API shows it. {@code nextFireAt} is null when the job is paused or will not fire again;
 * {@code keepRuns} is null when caravan.retention.runs-per-job applies. Env values of secret-looking names in its
 * task are shown masked ({@link SecretEnv}). {@code onSuccess} and {@code onFailure}: the names of the jobs its
 * runs start when they succeed, or fail for good.
 */
public record JobView(String id, String name, JobSchedule schedule, String description,
                      @JsonSerialize(converter = SecretEnv.MaskedSpec.class) TaskSpec task,
                      Overlap overlap, Integer maxRunning, Misfire misfire, boolean paused, Instant nextFireAt,
                      Instant createdAt, Instant updatedAt, Integer keepRuns,
                      List<String> onSuccess, List<String> onFailure) {
}
