package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** A task's "retry" (routes.task.TaskRequests): durations as "500ms", "2s", "1m" or ISO-8601 "PT1H30M". */
public record RetryRequest(
        @Schema(description = "attempts in all, the first included (at most caravan.tasks.max-attempts-limit)",
                minimum = "1") int maxAttempts,
        @Schema(description = "the wait before the first retry, doubling with each (at most 7d)", example = "2s")
        String backoff,
        @Schema(description = "the longest wait (at most 7d)", example = "1m") String maxBackoff,
        @Schema(description = "whether a timed-out attempt is retried too", defaultValue = "true") Boolean onTimeout) {
}
