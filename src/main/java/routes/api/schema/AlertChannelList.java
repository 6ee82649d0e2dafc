package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.alert.AlertChannelView;

/** Every alert channel, by name (GET /api/alert-channels). */
public record AlertChannelList(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<AlertChannelView> channels) {
}
