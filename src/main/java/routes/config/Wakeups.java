package routes.config;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The {@link Wakeup}s of this node's loops. Once the node starts closing, every one of them is woken and waits no
 * longer than {@value #STOPPING_WAIT_MILLIS} ms: a loop blocked in a long idle wait would otherwise hold up Camel's
 * graceful shutdown until its wait ran out. Spring tells the closing before it stops any bean (Camel included).
 */
@Component
public class Wakeups {

    static final long STOPPING_WAIT_MILLIS = 100;

    private final List<Wakeup> all = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;

    /** A wakeup for one loop. */
    public Wakeup create() {
        Wakeup wakeup = new Wakeup(this);
        all.add(wakeup);
        return wakeup;
    }

    boolean stopping() {
        return stopping;
    }

    @EventListener(ContextClosedEvent.class)
    public void closing() {
        stopping = true;
        all.forEach(Wakeup::now);
    }
}
