package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.access.AuditEntry;

/** A page of the audit trail, newest first (GET /api/audit). */
public record AuditPage(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<AuditEntry> entries, long total,
                        int limit, int offset) {
}
