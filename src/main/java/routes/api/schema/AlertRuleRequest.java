package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The body of POST /api/alert-rules and PUT /api/alert-rules/{id} (routes.api.AlertRuleRequests). */
public record AlertRuleRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "unique", pattern = "[A-Za-z0-9._-]{1,64}")
        String name,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"task-exhausted", "job-missed",
                "job-silent", "agent-dead", "agent-overloaded", "queue-age", "quarantine"}) String kind,
        @Schema(description = "task-exhausted, queue-age: only tasks of this type (default any)") String type,
        @Schema(description = "task-exhausted, job-missed: only this job's (default any); job-silent: the job that"
                + " must run (required)") String job,
        @Schema(description = "queue-age: only this priority's queues (default both)",
                allowableValues = {"urgent", "normal"}) String priority,
        @Schema(description = "task-exhausted: one incident per task", defaultValue = "false") Boolean perTask,
        @Schema(description = "job-silent: no successful run within this; agent-overloaded: overloaded longer than"
                + " this; queue-age: oldest task older than this (required for those; 1s to 366d)") String after,
        @Schema(description = "task-exhausted, job-missed: the incident resolves once no such event happened for"
                + " this long, 1s to 30d (default caravan.alerts.quiet)") String quiet,
        @Schema(description = "names of the channels its notices go to (none: recorded only)") List<String> channels,
        @Schema(defaultValue = "true") Boolean enabled) {
}
