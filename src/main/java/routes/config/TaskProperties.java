package routes.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param defaultTimeoutSeconds timeout of a task that gives none
 * @param maxTimeoutSeconds     largest timeout a task may ask for
 * @param maxBatch              most tasks in one batch submission
 * @param pageSizeLimit         largest page the task list returns
 */
@ConfigurationProperties("caravan.tasks")
public record TaskProperties(int defaultTimeoutSeconds, int maxTimeoutSeconds, int maxBatch, int pageSizeLimit) {
}
