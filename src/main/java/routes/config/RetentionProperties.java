package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long history is kept, and how it is pruned (retention.yaml): every {@code intervalMillis}, on one control node
 * at a time, in deletes of at most {@code batchSize} rows.
 *
 * @param tasks          ended tasks (SUCCEEDED, FAILED, TIMED_OUT, CANCELLED), with their events and output, are
 *                       deleted this long after they ended
 * @param fires          job fires that were taken (FIRED, SKIPPED, MISSED) are deleted this long after their time
 * @param audit          audit entries are deleted this long after they were written
 * @param batchSize      most rows one delete removes (most tasks, for tasks with their events), so that no delete
 *                       holds its table long
 * @param intervalMillis how often a pruning pass runs (the first a minute after the node starts)
 */
@ConfigurationProperties("caravan.retention")
public record RetentionProperties(Duration tasks, Duration fires, Duration audit, int batchSize, long intervalMillis) {

    public RetentionProperties {
        positive("tasks", tasks);
        positive("fires", fires);
        positive("audit", audit);
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("caravan.retention.batch-size must be 1-10000, got " + batchSize);
        }
        if (intervalMillis < 1000) {
            throw new IllegalArgumentException("caravan.retention.interval-millis must be at least 1000, got " + intervalMillis);
        }
    }

    private static void positive(String name, Duration age) {
        if (age == null || age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException("caravan.retention." + name + " must be a positive duration such as 30d, got " + age);
        }
    }
}
