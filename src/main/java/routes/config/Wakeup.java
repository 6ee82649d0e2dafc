package routes.config;

import java.util.concurrent.TimeUnit;

/**
 * How one loop waits while it has nothing to do, instead of looking again every few milliseconds: until something on
 * this node says there may be work ({@link #now}), until the earliest moment it was told something falls due
 * ({@link #at}), or at most for the time it is given, after which it looks anyway (for what other nodes did, which
 * it cannot hear). A due time still ahead when a wait ends is kept for the next one. Once the node closes, waits are
 * short (see {@link Wakeups}), so that no route holds up the shutdown.
 */
public final class Wakeup {

    private final Wakeups all;
    private long dueAt = Long.MAX_VALUE;
    private boolean woken;

    Wakeup(Wakeups all) {
        this.all = all;
    }

    /** There may be work now: a waiting loop looks at once, and one that is not waiting does not wait next time. */
    public synchronized void now() {
        woken = true;
        notifyAll();
    }

    /** Something falls due at this time (epoch ms): the loop looks then, if not sooner. */
    public synchronized void at(long epochMillis) {
        if (epochMillis < dueAt) {
            dueAt = epochMillis;
            notifyAll();
        }
    }

    /**
     * Waits until woken, until the earliest due time given, or for at most {@code atMostMillis}; returns at once
     * when woken since the last wait.
     */
    public synchronized void await(long atMostMillis) throws InterruptedException {
        long most = all.stopping() ? Math.min(atMostMillis, Wakeups.STOPPING_WAIT_MILLIS) : atMostMillis;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(most);
        while (!woken) {
            long left = Math.min(TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()),
                    dueAt - System.currentTimeMillis());
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        woken = false;
        if (dueAt <= System.currentTimeMillis()) {
            dueAt = Long.MAX_VALUE;
        }
    }
}
