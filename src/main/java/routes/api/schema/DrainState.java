package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The answer to draining an agent or taking it back (POST /api/agents/{id}/drain, /resume). */
public record DrainState(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String agent, boolean drainRequested) {
}
