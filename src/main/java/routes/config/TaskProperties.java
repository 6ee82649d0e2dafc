package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param defaultTimeoutSeconds timeout of a task that gives none
 * @param maxTimeoutSeconds     largest timeout a task may ask for
 * @param maxBatch              most tasks in one batch submission
 * @param pageSizeLimit         largest page the task list returns
 * @param retryBackoff          wait before a task's first retry when its retry policy names none
 * @param retryMaxBackoff       longest wait between retries when its retry policy names none
 * @param maxAttemptsLimit      most attempts a task may ask for
 * @param retryCheckMillis      the longest the retry loop waits between looks at the retries set (it wakes at the next
 *                              due retry it knows of), and how often it asks SQL for retries Redis lost
 */
@ConfigurationProperties("caravan.tasks")
public record TaskProperties(int defaultTimeoutSeconds, int maxTimeoutSeconds, int maxBatch, int pageSizeLimit,
                             Duration retryBackoff, Duration retryMaxBackoff, int maxAttemptsLimit,
                             long retryCheckMillis) {
}
