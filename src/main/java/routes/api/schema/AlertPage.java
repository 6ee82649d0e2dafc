package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.alert.AlertNotice;

/** A page of alert notices, newest first (GET /api/alerts). */
public record AlertPage(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<AlertNotice> alerts, long total,
                        int limit, int offset) {
}
