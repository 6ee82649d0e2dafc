package routes.api.schema;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The body of POST /api/workflows: a graph of tasks, all valid or none is taken. */
public record WorkflowRequest(
        @Schema(description = "what the workflow is, for people", maxLength = 128) String name,
        @Schema(description = "idempotency key: the same key again returns the existing workflow", minLength = 1,
                maxLength = 128) String key,
        // an array's requiredMode is read from its items' annotation
        @ArraySchema(arraySchema = @Schema(description = "its tasks, at most caravan.workflows.max-nodes"),
                schema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED), minItems = 1)
        List<WorkflowTaskRequest> tasks) {
}
