package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

/** The body of POST /api/workers/{id}/leases/{lease}/extend; {} extends by caravan.workers.lease-time. */
public record ExtendRequest(
        @Schema(description = "the lease's time from now (default caravan.workers.lease-time)", minimum = "1") Integer leaseSeconds) {
}
