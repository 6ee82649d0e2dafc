package routes.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;

/**
 * A payload task leased to a worker. {@code leaseId} ("taskId:attempt") names the lease in extend and report: the
 * attempt fences it, so a report for an earlier lease on the same task is never applied.
 */
public record Lease(String leaseId, String taskId, int attempt, String type, String priority,
                    Map<String, String> labels,
                    @Schema(description = "the task's payload (any JSON)", implementation = Object.class,
                               additionalProperties = Schema.AdditionalPropertiesValue.TRUE) JsonNode payload,
                    Instant expiresAt) {
}
