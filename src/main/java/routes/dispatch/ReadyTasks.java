package routes.dispatch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.DispatcherProperties;

/**
 * The tasks one dispatch pass looks at, in the order they are offered to the fleet.
 * <ul>
 * <li>Per type whose tasks some free agent serves: from the head of its queues, urgent before normal, the
 * tasks a free agent could take, no more than the fleet's free slots. A task no agent can take now (its
 * labels or pinned agent) is skipped, so it cannot hold up the tasks behind it (within the first
 * {@code caravan.dispatcher.window} of its queue).</li>
 * <li>Across types: taken in turns, one task of each type at a time, and each pass gives the first turn to
 * the next type, so one type's backlog cannot starve another type served by the same agents.</li>
 * </ul>
 */
@Component
@ControlRole
public class ReadyTasks {

    private final TaskQueues queues;
    private final DispatcherProperties dispatcher;
    private final AtomicInteger turn = new AtomicInteger();

    public ReadyTasks(TaskQueues queues, DispatcherProperties dispatcher) {
        this.queues = queues;
        this.dispatcher = dispatcher;
    }

    public List<ReadyTask> heads(Fleet fleet) {
        int wanted = fleet.freeSlots();
        List<List<ReadyTask>> byType = new ArrayList<>();
        if (wanted > 0) {
            for (String type : queues.types()) {
                if (fleet.serves(type)) {
                    List<ReadyTask> candidates = candidates(type, fleet, wanted);
                    if (!candidates.isEmpty()) {
                        byType.add(candidates);
                    }
                }
            }
        }
        if (byType.isEmpty()) {
            return List.of();
        }
        Collections.rotate(byType, -Math.floorMod(turn.getAndIncrement(), byType.size()));
        List<ReadyTask> ready = new ArrayList<>(wanted);
        for (int i = 0; ready.size() < wanted; i++) {
            boolean any = false;
            for (List<ReadyTask> candidates : byType) {
                if (i < candidates.size() && ready.size() < wanted) {
                    ready.add(candidates.get(i));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return ready;
    }

    /** Up to {@code wanted} tasks of one type that some free agent could take, urgent first. */
    private List<ReadyTask> candidates(String type, Fleet fleet, int wanted) {
        List<ReadyTask> candidates = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        // read the queues in small chunks: most passes need only as many tasks as there are free slots
        int chunk = Math.min(dispatcher.window(), Math.max(8, 2 * wanted));
        for (String priority : TaskQueues.PRIORITIES) {
            for (int from = 0; from < dispatcher.window(); from += chunk) {
                List<ReadyTask> heads = queues.heads(type, priority, from, Math.min(chunk, dispatcher.window() - from));
                for (ReadyTask task : heads) {
                    // a task's id twice in its queue (a restore raced a dispatch) is one candidate
                    if (seen.add(task.id()) && fleet.best(task.spec()).isPresent()) {
                        candidates.add(task);
                        if (candidates.size() == wanted) {
                            return candidates;
                        }
                    }
                }
                if (heads.size() < chunk) {
                    break;
                }
            }
        }
        return candidates;
    }
}
