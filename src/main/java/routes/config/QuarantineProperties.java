package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What a loop does with a message it cannot process.
 *
 * @param maxAttempts      how often a message is tried before it is quarantined (a store that is down does not
 *                         count: only failures of the message itself do)
 * @param maxEntries       most messages the quarantine holds; beyond that new ones are logged and dropped
 * @param errorLogInterval a failure that repeats is logged once per this interval, with how often it repeated
 */
@ConfigurationProperties("caravan.quarantine")
public record QuarantineProperties(int maxAttempts, int maxEntries, Duration errorLogInterval) {

    public QuarantineProperties {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("caravan.quarantine.max-attempts must be at least 1, got " + maxAttempts);
        }
    }
}
