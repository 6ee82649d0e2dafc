package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of POST /api/tasks, and each task of a batch (routes.task.TaskRequests). */
@Schema(description = "a task to run; exactly one of command, shell and payload")
public class TaskRequest extends JobTask {

    @Schema(description = "idempotency key: the same type and key again returns the existing task",
            minLength = 1, maxLength = 128)
    public String key;
}
