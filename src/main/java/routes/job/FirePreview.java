package routes.job;

import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * A schedule as a person checks it before saving a job (POST /api/jobs/preview): in words, its time zone and its
 * next fire times with their offsets in that zone.
 */
public record FirePreview(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String description,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String timeZone,
        @ArraySchema(schema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                description = "a fire time with its offset", example = "2026-12-01T09:00+01:00")) List<String> next) {
}
