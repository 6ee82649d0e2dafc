package routes.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long history is kept, and how it is pruned (retention.yaml): every {@code intervalMillis}, on one control node
 * at a time, in deletes of at most {@code batchSize} rows.
 *
 * @param tasks            ended tasks (SUCCEEDED, FAILED, TIMED_OUT, CANCELLED), with their events and output, are
 *                         deleted this long after they ended
 * @param runsPerJob       a job's ended runs beyond its newest this many are deleted, with their events and output,
 *                         whatever their age; 0 keeps them until {@code tasks} says. A job's own keepRuns overrides it
 * @param fires            job fires that were taken (FIRED, SKIPPED, MISSED) are deleted this long after their time
 * @param audit            audit entries are deleted this long after they were written
 * @param alerts           resolved alert incidents, with their notices, are deleted this long after they resolved;
 *                         alert deliveries (DELIVERED, FAILED), with their attempts, this long after they ended
 * @param batchSize        most rows one delete removes (most tasks, for tasks with their events), so that no delete
 *                         holds its table long
 * @param intervalMillis   how often a pruning pass runs
 * @param firstDelayMillis how long after the node starts the first pass runs
 */
@ConfigurationProperties("caravan.retention")
public record RetentionProperties(Duration tasks, int runsPerJob, Duration fires, Duration audit, Duration alerts,
                                  int batchSize, long intervalMillis, long firstDelayMillis) {

    /** Most runs a job may be told to keep (keepRuns, caravan.retention.runs-per-job). */
    public static final int MOST_RUNS_KEPT = 1_000_000;

    public RetentionProperties {
        positive("tasks", tasks);
        positive("fires", fires);
        positive("audit", audit);
        positive("alerts", alerts);
        if (runsPerJob < 0 || runsPerJob > MOST_RUNS_KEPT) {
            throw new IllegalArgumentException("caravan.retention.runs-per-job must be 0 (by age only) to "
                    + MOST_RUNS_KEPT + ", got " + runsPerJob);
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("caravan.retention.batch-size must be 1-10000, got " + batchSize);
        }
        if (intervalMillis < 1000) {
            throw new IllegalArgumentException("caravan.retention.interval-millis must be at least 1000, got " + intervalMillis);
        }
        if (firstDelayMillis < 0) {
            throw new IllegalArgumentException("caravan.retention.first-delay-millis must be 0 or more, got " + firstDelayMillis);
        }
    }

    private static void positive(String name, Duration age) {
        if (age == null || age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException("caravan.retention." + name + " must be a positive duration such as 30d, got " + age);
        }
    }
}
