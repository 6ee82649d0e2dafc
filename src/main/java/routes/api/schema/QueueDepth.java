package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** Tasks waiting in a type's queues (GET /api/queues). */
public record QueueDepth(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String type, long urgent, long normal) {
}
