package routes.dispatch;

import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.message.TaskState;
import routes.redis.AgentRegistry;
import routes.task.TaskView;
import routes.task.WorkflowQueries;

/**
 * Adds to a queued task's view why it still waits ({@link WaitReasons}), from the fleet as Redis shows it now; to a
 * waiting task of a workflow's, the parents it waits for.
 */
@Component
@ControlRole
public class TaskWaits {

    private final AgentRegistry registry;
    private final WorkflowQueries workflows;

    public TaskWaits(AgentRegistry registry, WorkflowQueries workflows) {
        this.registry = registry;
        this.workflows = workflows;
    }

    public TaskView explain(TaskView task) {
        if (TaskState.WAITING.name().equals(task.state())) {
            return workflows.waitingFor(task.id()).map(task::waitingBecause).orElse(task);
        }
        if (!TaskState.QUEUED.name().equals(task.state())) {
            return task;
        }
        return task.waitingBecause(WaitReasons.explain(task.spec(), registry.all()));
    }
}
