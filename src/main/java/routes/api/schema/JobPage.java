package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.job.JobView;

/** A page of jobs, by name (GET /api/jobs). */
public record JobPage(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<JobView> jobs, long total, int limit, int offset) {
}
