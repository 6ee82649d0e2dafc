package routes.worker;

import org.springframework.stereotype.Component;
import routes.config.ControlRole;

/**
 * Where lease requests that found nothing wait, without polling: each dispatch pass (a submit, a retry, a failover on
 * this node, a wake on the Redis channel from any node, or the tick) wakes them to look again.
 */
@Component
@ControlRole
public class WorkerWakeups {

    private final Object signal = new Object();

    /** Called by the dispatch pass: there may be work. */
    public void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /** Waits until woken or for at most {@code millis}; returns false when interrupted. */
    boolean await(long millis) {
        if (millis <= 0) {
            return true;
        }
        synchronized (signal) {
            try {
                signal.wait(millis);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
