package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import routes.job.JobSchedule;

/** The body of POST /api/jobs/preview (routes.api.JobRequests#preview). */
public record PreviewRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "as in a job: exactly one of cron, at and"
                + " every; start only with every; timeZone an IANA name (default UTC)") JobSchedule schedule,
        @Schema(description = "how many next fires (1 to caravan.jobs.max-next-count)", defaultValue = "10",
                minimum = "1") Integer count) {
}
