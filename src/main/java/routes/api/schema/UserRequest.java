package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of POST /api/users and PUT /api/users/{name} (which takes role and/or password only). */
public record UserRequest(
        @Schema(description = "1 to 64 letters, digits, '.', '_', '@', '-'", pattern = "[A-Za-z0-9][A-Za-z0-9._@-]{0,63}") String name,
        @Schema(allowableValues = {"viewer", "operator", "admin"}) String role,
        @Schema(minLength = 10, maxLength = 200) String password) {
}
