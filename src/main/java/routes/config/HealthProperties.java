package routes.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What readiness (GET /actuator/health/readiness) asks of the node besides its stores.
 *
 * @param essentialRoutes the ids of the routes without which the node does no useful work (the dispatcher, the result
 *                        ingest, ... on control; the inbox and heartbeat on an agent): all of them must be started
 */
@ConfigurationProperties("caravan.health")
public record HealthProperties(List<String> essentialRoutes) {

    public HealthProperties {
        essentialRoutes = essentialRoutes == null ? List.of() : List.copyOf(essentialRoutes);
    }
}
