package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param agentTimeout an agent silent for longer is not offered work
 * @param window       how many queued tasks per type and priority one dispatch pass looks at
 * @param tickMillis   a dispatch pass runs at least this often, besides the wake-ups on submit and free slots
 * @param failoverCheckMillis how often control looks for dead agents and takes their work back
 */
@ConfigurationProperties("caravan.dispatcher")
public record DispatcherProperties(Duration agentTimeout, int window, long tickMillis, long failoverCheckMillis) {
}
