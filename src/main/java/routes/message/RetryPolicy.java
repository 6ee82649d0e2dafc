package routes.message;

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

    /** The longest wait a policy may name (requests are held to it; longer stored values are read as it). */
    public static final Duration LONGEST_BACKOFF = Duration.ofDays(7);

    /** One attempt, no retry: tasks stored before retries existed read as this. */
    public static final RetryPolicy NONE = new RetryPolicy(1, "PT1S", "PT1S", true);

    /**
     * The wait before retry number {@code retry} (1 for the first): exponential, capped, with "equal jitter"
     * (between half and all of it), so tasks that failed together do not come back together.
     */
    public long delayMillis(int retry) {
        long cap = millis(maxBackoff);
        long base = Math.min(millis(backoff), cap);
        int doublings = Math.max(0, retry - 1);
        // base << doublings, saturating at cap instead of overflowing
        long exponential = doublings >= Long.numberOfLeadingZeros(base) - 1 ? cap : Math.min(cap, base << doublings);
        return exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
    }

    private static long millis(String duration) {
        Duration value = Duration.parse(duration);
        return value.compareTo(LONGEST_BACKOFF) > 0 ? LONGEST_BACKOFF.toMillis() : Math.max(0, value.toMillis());
    }
}
