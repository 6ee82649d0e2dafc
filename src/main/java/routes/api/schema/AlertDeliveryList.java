package routes.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import routes.alert.AlertDeliveryView;

/** The deliveries of one alert notice, by channel (GET /api/alerts/{id}/deliveries). */
public record AlertDeliveryList(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<AlertDeliveryView> deliveries) {
}
