package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of POST /api/versions (routes.code.VersionRequests). */
public record VersionRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = CodeRequest.NAME) String project,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = CodeRequest.NAME) String version,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the archive (zip or tar.gz), http or"
                + " https", format = "uri") String url,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "the archive's SHA-256, hex",
                pattern = "[0-9a-fA-F]{64}") String sha256) {
}
