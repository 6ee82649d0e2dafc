package routes.api.schema;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.job.JobSchedule;
import routes.job.Misfire;
import routes.job.Overlap;

/** The body of POST /api/jobs and PUT /api/jobs/{id} (routes.job.JobRequests). */
public record JobRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "unique", pattern = "[A-Za-z0-9._-]{1,64}")
        String name,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "exactly one of cron, at and every;"
                + " start only with every; timeZone an IANA name (default UTC)") JobSchedule schedule,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) JobTask task,
        @Schema(description = "what a fire does while runs of the job are alive", defaultValue = "allow")
        Overlap overlap,
        @Schema(description = "most runs alive at once (default: no limit)", minimum = "1", maximum = "10000")
        Integer maxRunning,
        @Schema(description = "what fires missed while no control node ran do", defaultValue = "fire_once")
        Misfire misfire,
        @Schema(description = "a paused job does not fire", defaultValue = "false") Boolean paused,
        @Schema(description = "ended runs retention keeps, newest first; 0 keeps them all (by age only)"
                + " (default: caravan.retention.runs-per-job)", minimum = "0", maximum = "1000000")
        Integer keepRuns,
        @ArraySchema(maxItems = 20, schema = @Schema(description = "an existing job's name"), arraySchema = @Schema(
                description = "jobs to run when a run of this one succeeds; no chain may lead back to this job"))
        List<String> onSuccess,
        @ArraySchema(maxItems = 20, schema = @Schema(description = "an existing job's name"), arraySchema = @Schema(
                description = "jobs to run when a run of this one fails for good (FAILED or TIMED_OUT after its last"
                        + " attempt; not CANCELLED); no chain may lead back to this job"))
        List<String> onFailure) {
}
