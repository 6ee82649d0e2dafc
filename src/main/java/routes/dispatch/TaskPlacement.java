package routes.dispatch;

import java.util.Optional;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.dispatch.TaskQueues.Placement;
import routes.task.TaskMeters;
import routes.task.TaskQueries;
import routes.task.TaskStore;

/**
 * Hands a task to the chosen agent: first the record (QUEUED → DISPATCHED, which only one control node can
 * win), then the atomic move from queue to inbox (which refuses an agent without a free slot). A failed move
 * gives the claim back, so the task waits in its queue again.
 */
@Component
@ControlRole
public class TaskPlacement {

    private final TaskStore store;
    private final TaskQueries tasks;
    private final TaskQueues queues;
    private final TaskMeters meters;

    public TaskPlacement(TaskStore store, TaskQueries tasks, TaskQueues queues, TaskMeters meters) {
        this.store = store;
        this.tasks = tasks;
        this.queues = queues;
        this.meters = meters;
    }

    /** Returns true when the task is in the agent's inbox. */
    public boolean place(ReadyTask task, String agentId, Fleet fleet) {
        Optional<TaskStore.Claim> claim = store.claimFor(task.id(), agentId);
        if (claim.isEmpty()) {
            if (tasks.isSettled(task.id())) {
                queues.drop(task.id(), task.spec().type(), task.spec().priority());
            }
            return false;
        }
        Placement placement = queues.place(task.id(), task.spec().type(), task.spec().priority(), agentId,
                fleet.get(agentId).status().slots(), claim.get().attempt());
        switch (placement) {
            case PLACED -> {
                fleet.reserve(agentId);
                meters.dispatched(task.spec().type(), task.spec().priority(), claim.get().waitedMillis());
            }
            case AGENT_FULL -> {
                fleet.full(agentId);
                store.unclaim(task.id(), claim.get().attempt(), agentId + " had no free slot after all");
            }
            case GONE -> store.unclaim(task.id(), claim.get().attempt(), "no longer in its queue when dispatched");
        }
        return placement == Placement.PLACED;
    }
}
