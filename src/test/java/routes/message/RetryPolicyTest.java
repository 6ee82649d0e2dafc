package routes.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The wait before a retry: exponential, capped, and never overflowing however large the numbers. */
class RetryPolicyTest {

    @Test
    void manyRetriesOfALongBackoffStayAtTheCap() {
        RetryPolicy policy = new RetryPolicy(100, "PT2H30M", "PT168H", true);
        for (int retry = 1; retry <= 100; retry++) {
            long delay = policy.delayMillis(retry);
            assertThat(delay).as("retry " + retry).isBetween(0L, Duration.ofDays(7).toMillis());
        }
        assertThat(policy.delayMillis(41)).isGreaterThanOrEqualTo(Duration.ofDays(7).toMillis() / 2);
    }

    @Test
    void aStoredBackoffBeyondTheLimitIsReadAsTheLimit() {
        RetryPolicy policy = new RetryPolicy(2, "PT2399999999999976H", "PT2399999999999976H", true);
        assertThat(policy.delayMillis(1)).isBetween(Duration.ofDays(7).toMillis() / 2, Duration.ofDays(7).toMillis());
    }

    @Test
    void theWaitDoublesUntilTheCap() {
        RetryPolicy policy = new RetryPolicy(10, "PT1S", "PT10S", true);
        assertThat(policy.delayMillis(1)).isBetween(500L, 1000L);
        assertThat(policy.delayMillis(3)).isBetween(2000L, 4000L);
        assertThat(policy.delayMillis(9)).isBetween(5000L, 10000L);
    }
}
