package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of POST /api/residents/{id}/scale. */
public record ScaleRequest(
        @Schema(description = "instances from now on", minimum = "0", maximum = "1000") int instances) {
}
