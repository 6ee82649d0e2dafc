package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of POST /api/session. */
public record LoginRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String name,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 200) String password) {
}
