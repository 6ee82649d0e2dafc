package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The fields of a task without its key and target: what a task of a workflow runs. A job's task adds target
 * ({@link JobTask}), a workflow's task its name and parents ({@link WorkflowTaskRequest}).
 */
@Schema(description = "a task without key and target")
public class TaskFields extends ResidentTask {

    @Schema(description = "how often a failed attempt is tried again (default: one attempt)")
    public RetryRequest retry;

    @Schema(description = "instead of command or shell: work for a worker of the task's type (any JSON, at most"
            + " caravan.workers.max-payload-bytes), leased over /api/workers and never sent to an agent;"
            + " not with env, workdir, agent, target or code",
            additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
    public Object payload;

    @Schema(description = "a url that hears how the task ended: a signed POST of its final view; refused unless"
            + " caravan.callbacks.allowed-urls takes it", maxLength = 2000, example = "https://hooks.example.com/caravan")
    public String callback;
}
