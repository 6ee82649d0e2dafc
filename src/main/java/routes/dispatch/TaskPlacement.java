package routes.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.dispatch.TaskQueues.Move;
import routes.dispatch.TaskQueues.Placement;
import routes.task.TaskMeters;
import routes.task.TaskQueries;
import routes.task.TaskStore;

/**
 * Hands the tasks of a dispatch pass to the agents chosen for them: first the record (QUEUED → DISPATCHED, which
 * only one control node can win), all of the pass's tasks in one transaction; then the atomic moves from queue to
 * inbox, all in one round trip to Redis (each refused for an agent without a free slot). A failed move gives its
 * claim back, so the task waits in its queue again for a later pass.
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

    /** The pass hands the task to the agent: it is placed with the pass's others at its end ({@link #placeAll}). */
    public void handOut(ReadyTask task, String agentId, Fleet fleet) {
        fleet.handOut(task, agentId);
    }

    /** Places what the pass handed out; returns how many tasks reached their agent's inbox. */
    public int placeAll(Fleet fleet) {
        List<Fleet.Handout> handouts = fleet.handouts();
        Map<String, TaskStore.Claim> claims = store.claimAll(handouts.stream()
                .map(h -> new TaskStore.Handout(h.task().id(), h.agentId())).toList());
        List<Fleet.Handout> claimed = new ArrayList<>(claims.size());
        List<Move> moves = new ArrayList<>(claims.size());
        for (Fleet.Handout handout : handouts) {
            ReadyTask task = handout.task();
            TaskStore.Claim claim = claims.get(task.id());
            if (claim == null) {
                if (tasks.isSettled(task.id())) {
                    queues.drop(task.id(), task.spec().type(), task.spec().priority());
                }
                continue;
            }
            claimed.add(handout);
            moves.add(new Move(task.id(), task.spec().type(), task.spec().priority(), handout.agentId(),
                    fleet.get(handout.agentId()).status().slots(), claim.attempt()));
        }
        List<Placement> placements = queues.placeAll(moves);
        int placed = 0;
        for (int i = 0; i < claimed.size(); i++) {
            ReadyTask task = claimed.get(i).task();
            String agentId = claimed.get(i).agentId();
            TaskStore.Claim claim = claims.get(task.id());
            switch (placements.get(i)) {
                case PLACED -> {
                    placed++;
                    meters.dispatched(task.spec().type(), task.spec().priority(), claim.waitedMillis());
                }
                case AGENT_FULL -> store.unclaim(task.id(), claim.attempt(), agentId + " had no free slot after all");
                case GONE -> store.unclaim(task.id(), claim.attempt(), "no longer in its queue when dispatched");
            }
        }
        return placed;
    }
}
