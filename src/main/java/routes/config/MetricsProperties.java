package routes.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Caravan's own metrics (GET /actuator/prometheus).
 *
 * @param gaugeRefreshMillis how often a control node reads the queues, the fleet, the results backlog and the
 *                           quarantine from Redis (and the queues' oldest tasks from SQL) for its gauges: a scrape
 *                           reads only what the last refresh found
 */
@ConfigurationProperties("caravan.metrics")
public record MetricsProperties(long gaugeRefreshMillis) {

    public MetricsProperties {
        if (gaugeRefreshMillis < 100) {
            throw new IllegalArgumentException("caravan.metrics.gauge-refresh-millis must be at least 100, got: "
                    + gaugeRefreshMillis);
        }
    }
}
