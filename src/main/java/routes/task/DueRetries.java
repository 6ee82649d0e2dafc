package routes.task;

import java.util.List;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.quarantine.MessageIsolation;
import routes.quarantine.MessageIsolation.Isolated;
import routes.quarantine.Loop;
import routes.redis.RedisKeys;

/**
 * Puts tasks whose retry is due back in the QUEUED state, so that one bad task never holds up the others: see
 * {@link MessageIsolation}. One that cannot be re-queued goes back in the retries set, then to the quarantine.
 */
@Component
@ControlRole
public class DueRetries {

    private final TaskStore store;
    private final MessageIsolation isolation;
    private final Loop loop;

    public DueRetries(TaskStore store, MessageIsolation isolation, RedisKeys keys, ControlProperties control) {
        this.store = store;
        this.isolation = isolation;
        this.loop = new Loop("retries", control.nodeId(), keys.retries(), Loop.Replay.DUE_SET);
    }

    /** Re-queues the tasks in SQL; throws only when a store is down. */
    public Isolated<String, List<TaskView>> requeue(List<String> taskIds) {
        return isolation.process(loop, taskIds, id -> id, store::requeueRetries, List.of(), MessageIsolation::concat);
    }
}
