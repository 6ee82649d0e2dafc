package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** A task's "code": a version of a project's code, as agents hold it. */
public record CodeRequest(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = NAME) String project,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, pattern = NAME) String version) {

    /** routes.message.CodeVersion.NAME; not starting with "." either. */
    static final String NAME = "[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}";
}
