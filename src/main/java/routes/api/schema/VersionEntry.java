package routes.api.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * A code version registered or held by a live agent (GET /api/versions, routes.code.VersionCatalog): url and sha256
 * for registered ones, and the live agents that failed to install it.
 */
public record VersionEntry(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String project,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String version,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the live agents that hold it")
        List<String> agents,
        @JsonInclude(JsonInclude.Include.NON_NULL) String url,
        @JsonInclude(JsonInclude.Include.NON_NULL) String sha256,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Failure> failures) {

    /** A live agent's last failed install of the version; it tries again at nextRetryAt (its own clock). */
    @Schema(name = "VersionInstallFailure")
    public record Failure(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String agent,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String error,
                          int attempts,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Instant failedAt,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Instant nextRetryAt) {
    }
}
