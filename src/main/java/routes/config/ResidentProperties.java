package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param checkMillis how often control compares each resident's alive instances with the number wanted, while there
 *                    are residents
 * @param minUptime   an instance that ends sooner than this after it started counts as a failure in a row: the
 *                    wait before the next start doubles with each one
 */
@ConfigurationProperties("caravan.residents")
public record ResidentProperties(long checkMillis, Duration minUptime) {
}
