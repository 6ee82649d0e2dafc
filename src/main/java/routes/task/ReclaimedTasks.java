package routes.task;

import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.message.ReclaimedEntry;
import routes.quarantine.Loop;
import routes.quarantine.MessageIsolation;
import routes.quarantine.MessageIsolation.Isolated;
import routes.quarantine.Quarantine;
import routes.redis.RedisKeys;

/**
 * Puts the tasks taken back from dead or draining agents in the QUEUED state, so that one bad entry never holds up
 * the others: see {@link MessageIsolation}. An entry that cannot be re-queued stays in the reclaiming list and is tried
 * again at the next check, then quarantined; an entry that cannot be read is quarantined at once.
 */
@Component
@ControlRole
public class ReclaimedTasks {

    private final TaskStore store;
    private final MessageIsolation isolation;
    private final Quarantine quarantine;
    private final Loop loop;

    public ReclaimedTasks(TaskStore store, MessageIsolation isolation, Quarantine quarantine, RedisKeys keys,
                          ControlProperties control) {
        this.store = store;
        this.isolation = isolation;
        this.quarantine = quarantine;
        // a replayed entry is handed back again, for any control node to take
        this.loop = new Loop("reclaiming", control.nodeId(), keys.handedBack(), Loop.Replay.LIST);
    }

    /** Re-queues the tasks of the entries in SQL; {@code done} are the entries that may leave the reclaiming list. */
    public Isolated<String, List<TaskView>> requeue(List<String> held) {
        List<String> readable = new ArrayList<>(held.size());
        List<String> unreadable = new ArrayList<>();
        for (String entry : held) {
            try {
                ReclaimedEntry.parse(entry);
                readable.add(entry);
            } catch (IllegalArgumentException e) {
                quarantine.unreadable(loop, entry, e);
                unreadable.add(entry);
            }
        }
        Isolated<String, List<TaskView>> requeued = isolation.process(loop, readable, entry -> entry,
                entries -> store.requeueReclaimed(entries.stream().map(ReclaimedEntry::parse).toList()), List.of(),
                MessageIsolation::concat);
        List<String> done = new ArrayList<>(requeued.done());
        done.addAll(unreadable);
        return new Isolated<>(requeued.result(), done, requeued.tryLater());
    }
}
