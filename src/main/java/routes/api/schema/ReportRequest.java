package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of POST /api/workers/{id}/leases/{lease}/report. */
public record ReportRequest(
        @Schema(description = "how the task ended", allowableValues = {"succeeded", "failed"},
                requiredMode = Schema.RequiredMode.REQUIRED) String outcome,
        @Schema(description = "any JSON, at most caravan.workers.max-result-bytes; shown on the task",
                additionalProperties = Schema.AdditionalPropertiesValue.TRUE) Object result,
        @Schema(description = "in words, at most caravan.workers.max-message-chars") String message) {
}
