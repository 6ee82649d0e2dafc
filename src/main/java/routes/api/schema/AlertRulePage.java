package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.alert.AlertRuleView;

/** A page of alert rules, by name (GET /api/alert-rules). */
public record AlertRulePage(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<AlertRuleView> rules, long total,
                            int limit, int offset) {
}
