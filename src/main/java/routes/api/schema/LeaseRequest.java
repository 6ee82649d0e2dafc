package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of POST /api/workers/{id}/leases; {} takes every default. */
public record LeaseRequest(
        @Schema(description = "most tasks to lease (default 1), within the worker's free capacity", minimum = "1") Integer max,
        @Schema(description = "how long to wait for a task when none is ready (default 0)", minimum = "0", maximum = "30")
        Integer waitSeconds,
        @Schema(description = "how long each lease lasts (default caravan.workers.lease-time)", minimum = "1") Integer leaseSeconds) {
}
