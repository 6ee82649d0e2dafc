package routes.dispatch;

import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.message.TaskState;
import routes.redis.AgentRegistry;
import routes.task.TaskView;

/** Adds to a queued task's view why it still waits ({@link WaitReasons}), from the fleet as Redis shows it now. */
@Component
@ControlRole
public class TaskWaits {

    private final AgentRegistry registry;

    public TaskWaits(AgentRegistry registry) {
        this.registry = registry;
    }

    public TaskView explain(TaskView task) {
        if (!TaskState.QUEUED.name().equals(task.state())) {
            return task;
        }
        return task.waitingBecause(WaitReasons.explain(task.spec(), registry.all()));
    }
}
