package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param agentTimeout an agent silent for longer is dead: not offered work, and its work is taken back
 * @param disconnectedTimeout an agent silent for longer with no open Redis connection is dead (its process is gone)
 * @param window       how many queued tasks per type and priority one dispatch pass looks at
 * @param tickMillis   a dispatch pass runs at least this often while a queue holds a task, besides the wake-ups on
 *                     submit and free slots
 * @param failoverCheckMillis the longest control waits between looks for dead agents, lapsed leases and handed-back
 *                     work; it also looks the moment the quietest agent could be found dead
 */
@ConfigurationProperties("caravan.dispatcher")
public record DispatcherProperties(Duration agentTimeout, Duration disconnectedTimeout, int window, long tickMillis, long failoverCheckMillis) {
}
