package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param planEveryMillis   how often the planner expands jobs into fires
 * @param planAhead         how far ahead fires are planned (the time wheel's window)
 * @param misfireThreshold  a fire taken later than this after its time was missed (no control node ran): the
 *                          job's misfire policy decides whether it runs
 * @param takeBatch         most due fires turned into tasks in one transaction
 * @param maxNextCount      most future fire times one request may ask for
 */
@ConfigurationProperties("caravan.jobs")
public record JobProperties(long planEveryMillis, Duration planAhead, Duration misfireThreshold, int takeBatch,
                            int maxNextCount) {
}
