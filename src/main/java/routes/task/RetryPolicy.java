package routes.task;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often a task is tried and how long it waits between tries.
 *
 * @param maxAttempts attempts in all, the first one included (1: no retry)
 * @param backoff     the wait before the first retry (ISO-8601); it doubles with each retry
 * @param maxBackoff  the longest wait (ISO-8601)
 * @param onTimeout   whether a timed-out attempt is retried too
 */
public record RetryPolicy(int maxAttempts, String backoff, String maxBackoff, boolean onTimeout) {

    /** One attempt, no retry: tasks stored before retries existed read as this. */
    public static final RetryPolicy NONE = new RetryPolicy(1, "PT1S", "PT1S", true);

    /**
     * The wait before retry number {@code retry} (1 for the first): exponential, capped, with "equal jitter"
     * (between half and all of it), so tasks that failed together do not come back together.
     */
    public long delayMillis(int retry) {
        long base = Duration.parse(backoff).toMillis();
        long cap = Duration.parse(maxBackoff).toMillis();
        long exponential = retry >= 62 ? cap : Math.min(cap, base << Math.min(retry - 1, 40));
        return exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
    }
}
