package routes.dispatch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.DispatcherProperties;
import routes.redis.TaskQueues;

/**
 * The tasks one dispatch pass looks at: from the head of each queue whose type some live agent with a free
 * slot serves, urgent before normal within a type, those some free agent could take, no more than the fleet's
 * free slots. A task no agent can take now (its labels or pinned agent) is skipped, so it cannot hold up the
 * tasks behind it (within the first {@code caravan.dispatcher.window} of its queue). Each pass starts with
 * the next type, so one type's backlog cannot starve the others.
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
        List<ReadyTask> ready = new ArrayList<>();
        if (fleet.freeSlots() == 0) {
            return ready;
        }
        int wanted = fleet.freeSlots();
        List<String> types = new ArrayList<>(queues.types());
        Collections.rotate(types, -Math.floorMod(turn.getAndIncrement(), Math.max(1, types.size())));
        for (String type : types) {
            if (!fleet.serves(type)) {
                continue;
            }
            for (String priority : TaskQueues.PRIORITIES) {
                // read the queue in small chunks: most passes need only as many tasks as there are free slots
                int chunk = Math.min(dispatcher.window(), Math.max(8, 2 * wanted));
                for (int from = 0; from < dispatcher.window(); from += chunk) {
                    List<ReadyTask> heads = queues.heads(type, priority, from, Math.min(chunk, dispatcher.window() - from));
                    for (ReadyTask task : heads) {
                        if (fleet.best(task.spec()).isPresent()) {
                            ready.add(task);
                            if (ready.size() == wanted) {
                                return ready;
                            }
                        }
                    }
                    if (heads.size() < chunk) {
                        break;
                    }
                }
            }
        }
        return ready;
    }
}
