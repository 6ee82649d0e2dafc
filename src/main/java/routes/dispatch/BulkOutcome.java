package routes.dispatch;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * What a bulk retry or cancel did ({@link BulkTaskActions}).
 *
 * @param matched how many tasks the filter matched in all (more than the limit: only the first were acted on)
 * @param done    how many were retried or cancelled
 * @param skipped how many of those acted on were not (not in a state the action applies to, or gone)
 * @param limit   the most tasks one call acts on
 */
public record BulkOutcome(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) long matched,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED) int done,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED) int skipped,
                          @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                                  description = "the most tasks one call acts on") int limit) {
}
