package routes.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What an attempt of a task wrote, as recorded: the first caravan.agent.output-cap bytes of each stream, and whether
 * more was dropped (never null; boxed so that the OpenAPI description, where these sit among a task's fields, does
 * not require them of the views without output). Shown on the single-task view only (GET /api/tasks/{id}).
 */
public record RecordedOutput(@Schema(description = "single-task view only") String stdout,
                             @Schema(description = "single-task view only") String stderr,
                             @Schema(description = "single-task view only") Boolean stdoutTruncated,
                             @Schema(description = "single-task view only") Boolean stderrTruncated,
                             @Schema(description = "single-task view only: the result (JSON) a worker reported for"
                                     + " a payload task", implementation = Object.class,
                                     additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
                             @JsonInclude(JsonInclude.Include.NON_NULL) @JsonRawValue String result) {

    /** An attempt that wrote nothing (it has no row). */
    static final RecordedOutput NONE = new RecordedOutput(null, null, false, false, null);

    /** A worker's result alone, as the single-task view shows a payload task's (null when there is none). */
    static RecordedOutput resultOnly(String result) {
        return result == null ? null : new RecordedOutput(null, null, false, false, result);
    }
}
