package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of POST /api/residents and PUT /api/residents/{id} (routes.resident.ResidentRequests). */
public record ResidentRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "unique", pattern = "[A-Za-z0-9._-]{1,64}")
        String name,
        @Schema(description = "how many instances are kept alive", minimum = "0", maximum = "1000") int instances,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "without timeoutSeconds an instance has"
                + " the longest timeout allowed") ResidentTask task,
        @Schema(description = "the wait before an ended instance is replaced, 1ms to 1d", defaultValue = "1s")
        String restartBackoff,
        @Schema(description = "the longest wait, 1ms to 1d", defaultValue = "1m") String maxRestartBackoff) {
}
