package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.job.FireView;

/** A page of a job's fires, newest first (GET /api/jobs/{id}/fires). */
public record FirePage(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<FireView> fires, long total, int limit, int offset) {
}
