package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import routes.message.TaskState;

/**
 * The body of POST /api/tasks/bulk-retry and /bulk-cancel (routes.api.TaskRequests#bulkFilter): the filter of
 * GET /api/tasks as JSON fields, at least one of them.
 */
public record TaskFilterRequest(
        @Schema(description = "only tasks in this state") TaskState state,
        @Schema(description = "only tasks of this type") String type,
        @Schema(description = "only tasks dispatched to this agent") String agent,
        @Schema(description = "only tasks made by this job (its id)") String job,
        @Schema(description = "only the tasks of this broadcast") String broadcast,
        @Schema(description = "only the instances of this resident") String resident,
        @Schema(description = "only the task submitted with this idempotency key", maxLength = 128) String key,
        @Schema(description = "true: only tasks that ended failed with no attempt left (the dead-letter view)")
        Boolean exhausted,
        @Schema(description = "only the tasks of this workflow") String workflow) {
}
