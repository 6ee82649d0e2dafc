package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The body of POST /api/tokens. */
public record TokenRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "what the token is for", maxLength = 64) String name,
        @Schema(description = "at most its user's and yours; default: the lower of the two",
                allowableValues = {"worker", "viewer", "operator", "admin"}) String role,
        @Schema(description = "ISO-8601 time after which it stops working; default: never") String expiresAt,
        @Schema(description = "admins only: the user the token is for; default: you") String user,
        @Schema(description = "role worker only, and required for it: the task types it may serve") List<String> types) {
}
