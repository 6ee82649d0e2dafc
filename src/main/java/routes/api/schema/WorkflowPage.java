package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.task.WorkflowView;

/** A page of workflows, newest first (GET /api/workflows): without their tasks, how many are in each state instead. */
public record WorkflowPage(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<WorkflowView> workflows, long total,
                           int limit, int offset) {
}
