package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** Who is calling (GET /api/session), and after a login who logged in. */
public record SessionView(
        @Schema(description = "the user, or admin-token") String name,
        @Schema(allowableValues = {"viewer", "operator", "admin"}) String role,
        @Schema(allowableValues = {"session", "token", "admin-token"}) String via) {
}
