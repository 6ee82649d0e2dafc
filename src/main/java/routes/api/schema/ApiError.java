package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of every error (routes.api.ApiErrors): {"status": 400, "error": "Bad Request", "message": "..."}. */
public record ApiError(
        @Schema(description = "the HTTP status", example = "400") int status,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the status's reason phrase",
                example = "Bad Request") String error,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "what went wrong and what to fix")
        String message) {
}
