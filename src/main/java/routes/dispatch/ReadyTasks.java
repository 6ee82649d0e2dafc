package routes.dispatch;

import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.DispatcherProperties;
import routes.redis.TaskQueues;
import routes.task.TaskSpec;

/**
 * The tasks one dispatch pass looks at: the head of each queue whose type some live agent with a free slot
 * serves, urgent before normal within a type.
 */
@Component
@ControlRole
public class ReadyTasks {

    private final TaskQueues queues;
    private final DispatcherProperties dispatcher;

    public ReadyTasks(TaskQueues queues, DispatcherProperties dispatcher) {
        this.queues = queues;
        this.dispatcher = dispatcher;
    }

    public List<ReadyTask> heads(Fleet fleet) {
        List<ReadyTask> ready = new ArrayList<>();
        if (fleet.freeSlots() == 0) {
            return ready;
        }
        for (String type : queues.types()) {
            if (!fleet.serves(type)) {
                continue;
            }
            for (String priority : TaskQueues.PRIORITIES) {
                for (String id : queues.heads(type, priority, dispatcher.window())) {
                    TaskSpec spec = queues.spec(id);
                    if (spec != null) {
                        ready.add(new ReadyTask(id, spec));
                    }
                }
            }
        }
        return ready;
    }
}
