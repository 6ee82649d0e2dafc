package routes.api.schema;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The body of POST /api/tasks/batch: all valid or none is taken (no broadcasts in a batch). */
public record BatchRequest(
        // an array's requiredMode is read from its items' annotation
        @ArraySchema(arraySchema = @Schema(description = "at most caravan.tasks.max-batch tasks"),
                schema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED), minItems = 1) List<TaskRequest> tasks) {
}
