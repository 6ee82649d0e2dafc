package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** The body of POST /api/workers/{id}: a worker's registration, sent again as its heartbeat. */
public record WorkerRequest(
        @Schema(description = "the task types it serves (a worker token's types at most)", requiredMode = Schema.RequiredMode.REQUIRED)
        List<String> types,
        @Schema(description = "labels; a task's labels must all be among them") Map<String, String> labels,
        @Schema(description = "most tasks it holds at once (default 1)", minimum = "1", maximum = "1000") Integer capacity) {
}
