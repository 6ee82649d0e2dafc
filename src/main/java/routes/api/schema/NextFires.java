package routes.api.schema;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A job's next fire times (GET /api/jobs/{id}/next), as its time zone tells them. */
public record NextFires(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String description,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String timeZone,
        boolean paused,
        // an array's requiredMode is read from its items' annotation
        @ArraySchema(schema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                description = "a fire time with its offset", example = "2026-12-01T09:00+01:00")) List<String> next) {
}
