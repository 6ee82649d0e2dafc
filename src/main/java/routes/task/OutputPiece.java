package routes.task;

import io.swagger.v3.oas.annotations.media.Schema;

/** What is new in each stream of a task since the offsets given (GET /api/tasks/{id}/output; {@link TaskOutput}). */
public record OutputPiece(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String stdout,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String stderr,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "stdoutFrom for the next read") long stdoutNext,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "stderrFrom for the next read") long stderrNext,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                description = "the attempt may run now: the output is live; false: it is the recorded output")
        boolean running,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "live: bytes after the offsets given"
                + " were dropped before this read (only the last ones are kept); ended: the record was cut at"
                + " caravan.agent.output-cap") boolean truncated) {
}
