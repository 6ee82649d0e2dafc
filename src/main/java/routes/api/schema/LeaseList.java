package routes.api.schema;

import java.util.List;
import routes.worker.Lease;

/** The answer of POST /api/workers/{id}/leases. */
public record LeaseList(List<Lease> leases) {
}
