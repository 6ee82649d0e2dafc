package routes.api.schema;

import java.time.Instant;

/** The answer of POST /api/workers/{id}/leases/{lease}/extend. */
public record LeaseExpiry(String leaseId, Instant expiresAt) {
}
