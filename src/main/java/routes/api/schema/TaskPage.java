package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.task.TaskView;

/** A page of tasks, newest first (GET /api/tasks, GET /api/jobs/{id}/runs): no events in the list. */
public record TaskPage(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<TaskView> tasks, long total, int limit, int offset) {
}
