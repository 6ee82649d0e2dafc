package routes.health;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;
import routes.config.HealthProperties;

/**
 * Part of readiness: the routes the node cannot work without ({@code caravan.health.essential-routes}) are all
 * started. A route stopped by an operator, or removed by a reload of the routes directory, makes the node not ready.
 * (Liveness does not ask: a stopped route is no reason to restart the process.)
 */
@Component("essentialRoutes")
public class EssentialRoutes implements HealthIndicator {

    private final CamelContext camel;
    private final List<String> essential;

    public EssentialRoutes(CamelContext camel, HealthProperties properties) {
        this.camel = camel;
        this.essential = properties.essentialRoutes();
    }

    @Override
    public Health health() {
        List<String> notStarted = new ArrayList<>();
        for (String id : essential) {
            ServiceStatus status = camel.getRouteController().getRouteStatus(id);
            if (status == null || !status.isStarted()) {
                notStarted.add(id + " (" + (status == null ? "absent" : status.name().toLowerCase()) + ")");
            }
        }
        return notStarted.isEmpty() ? Health.up().withDetail("started", essential).build()
                : Health.down().withDetail("notStarted", notStarted).build();
    }
}
