package routes.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How an idle loop waits: until woken, until the earliest due time it was given, or at most as long as it may. */
class WakeupTest {

    private final Wakeups wakeups = new Wakeups();
    private final Wakeup wakeup = wakeups.create();

    @Test
    void withNothingToWakeItItWaitsAsLongAsItMay() throws Exception {
        assertThat(millis(() -> wakeup.await(300))).isBetween(290L, 2000L);
    }

    @Test
    void aWakeBeforeTheWaitEndsTheNextWaitAtOnce() throws Exception {
        wakeup.now();
        assertThat(millis(() -> wakeup.await(10_000))).isLessThan(1000);
        // and only that one
        assertThat(millis(() -> wakeup.await(200))).isGreaterThanOrEqualTo(190);
    }

    @Test
    void aWakeDuringTheWaitEndsIt() throws Exception {
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> millis(() -> wakeup.await(10_000)));
        Thread.sleep(200);
        wakeup.now();
        assertThat(waited.get(5, TimeUnit.SECONDS)).isLessThan(5000);
    }

    @Test
    void itWaitsUntilTheEarliestDueTimeItWasGiven() throws Exception {
        long now = System.currentTimeMillis();
        wakeup.at(now + 60_000);
        wakeup.at(now + 300);
        assertThat(millis(() -> wakeup.await(10_000))).isBetween(250L, 5000L);
    }

    @Test
    void aDueTimeStillAheadWhenTheWaitEndsIsKeptForTheNextWait() throws Exception {
        wakeup.at(System.currentTimeMillis() + 500);
        assertThat(millis(() -> wakeup.await(100))).isLessThan(400);
        assertThat(millis(() -> wakeup.await(10_000))).isLessThan(5000);
    }

    @Test
    void onceTheNodeClosesAWaitEndsAndLaterOnesAreShort() throws Exception {
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> millis(() -> wakeup.await(60_000)));
        Thread.sleep(200);
        wakeups.closing();
        assertThat(waited.get(5, TimeUnit.SECONDS)).isLessThan(5000);
        assertThat(millis(() -> wakeup.await(60_000))).isLessThan(1000);
        assertThat(millis(() -> wakeups.create().await(60_000))).isLessThan(1000);
    }

    private interface Wait {
        void run() throws InterruptedException;
    }

    private static long millis(Wait wait) {
        long start = System.nanoTime();
        try {
            wait.run();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
