package routes.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * An alert channel as the API shows it: never its secret, only whether it has one.
 *
 * @param definedIn "configuration" (caravan.alerts.channels, read-only through the API) or "api"
 * @param createdAt null for a channel from the configuration
 */
public record AlertChannelView(String name, String kind, @JsonInclude(JsonInclude.Include.NON_NULL) String url,
                               @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> to, boolean secretSet,
                               String definedIn, Instant createdAt, Instant updatedAt) {
}
