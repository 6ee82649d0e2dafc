package routes.api.schema;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The body of POST /api/alert-channels and PUT /api/alert-channels/{name} (routes.api.AlertChannelRequests). */
public record AlertChannelRequest(
        @Schema(description = "unique; required when creating; cannot be changed", pattern = "[A-Za-z0-9._-]{1,64}")
        String name,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"webhook", "email"}) String kind,
        @Schema(description = "webhook: http(s) address, no user or password in it", maxLength = 2000) String url,
        @Schema(description = "webhook: the key requests are signed with (HMAC-SHA256), 16 to 500 characters; never"
                + " shown again; left out of a PUT, the stored one is kept", writeOnly = true) String secret,
        @ArraySchema(arraySchema = @Schema(description = "email: 1 to 50 addresses, user@host"))
        List<String> to) {
}
