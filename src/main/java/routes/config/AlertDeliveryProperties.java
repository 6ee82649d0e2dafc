package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How alert notices are delivered to their channels (alert-delivery.yaml).
 *
 * @param attempts    how often a delivery is tried before it is FAILED
 * @param backoff     the wait after the first failed attempt; it doubles after each further one
 * @param maxBackoff  the longest wait between two attempts
 * @param timeout     the longest one attempt may take: a webhook's answer, the mail server's connection and replies
 * @param checkMillis the longest a control node waits before it looks for deliveries that are due (one a node that
 *                    died had taken; one that failed on this node is tried again at its time)
 * @param mailFrom    the sender of alert emails (From:)
 */
@ConfigurationProperties("caravan.alerts.delivery")
public record AlertDeliveryProperties(int attempts, Duration backoff, Duration maxBackoff, Duration timeout,
                                      long checkMillis, String mailFrom) {

    public AlertDeliveryProperties {
        if (attempts < 1 || attempts > 100) {
            throw new IllegalArgumentException("caravan.alerts.delivery.attempts must be 1-100, got " + attempts);
        }
        positive("backoff", backoff);
        positive("max-backoff", maxBackoff);
        positive("timeout", timeout);
        if (maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("caravan.alerts.delivery.max-backoff must not be shorter than"
                    + " caravan.alerts.delivery.backoff, got " + maxBackoff + " and " + backoff);
        }
        if (checkMillis < 10) {
            throw new IllegalArgumentException("caravan.alerts.delivery.check-millis must be at least 10, got " + checkMillis);
        }
        if (mailFrom == null || !mailFrom.matches("[^\\s<>,@]+@[^\\s<>,@]+")) {
            throw new IllegalArgumentException("caravan.alerts.delivery.mail-from must be an address such as"
                    + " caravan@example.com, got " + mailFrom);
        }
    }

    /** The wait after the given number of failed attempts (1 or more): backoff, doubling, at most maxBackoff. */
    public Duration backoffAfter(int failed) {
        Duration wait = backoff;
        for (int i = 1; i < failed && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("caravan.alerts.delivery." + name + " must be a positive duration"
                    + " such as 5s, got " + value);
        }
    }
}
