package routes.api.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A code version registered or held by a live agent (GET /api/versions); url and sha256 for registered ones. */
public record VersionEntry(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String project,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String version,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the live agents that hold it")
        List<String> agents,
        @JsonInclude(JsonInclude.Include.NON_NULL) String url,
        @JsonInclude(JsonInclude.Include.NON_NULL) String sha256) {
}
