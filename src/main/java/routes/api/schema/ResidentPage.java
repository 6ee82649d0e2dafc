package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.resident.ResidentView;

/** A page of residents, by name (GET /api/residents). */
public record ResidentPage(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<ResidentView> residents, long total, int limit, int offset) {
}
