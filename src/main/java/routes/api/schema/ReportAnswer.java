package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The answer of POST /api/workers/{id}/leases/{lease}/report. */
public record ReportAnswer(String leaseId, String taskId,
                           @Schema(description = "SUCCEEDED, FAILED, or RETRYING when the task has attempts left") String state) {
}
