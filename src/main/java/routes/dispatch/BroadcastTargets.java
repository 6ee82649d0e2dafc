package routes.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.domain.Conflict;
import routes.message.TaskSpec;
import routes.redis.AgentLoad;
import routes.redis.AgentRegistry;
import routes.task.Broadcast;
import routes.task.NewTask;

/**
 * Where a broadcast (target "all") goes: every live agent that takes the task's type and labels and is not
 * draining, as of now. Each gets a task of its own, pinned to it; an agent that joins later gets none.
 */
@Component
@ControlRole
public class BroadcastTargets {

    private final AgentRegistry registry;

    public BroadcastTargets(AgentRegistry registry) {
        this.registry = registry;
    }

    /** A submitted broadcast as a task per agent; a conflict when no live agent takes it (nothing is stored then). */
    public Broadcast expand(NewTask task) {
        Broadcast broadcast = snapshot().expand(task.spec());
        if (broadcast == null) {
            throw new Conflict(noAgent(task.spec()) + "; nothing was submitted");
        }
        return broadcast;
    }

    /** The live agents read once, for all the broadcasts of one batch of job fires. */
    public Snapshot snapshot() {
        return new Snapshot();
    }

    /** Why a broadcast has no task. */
    public static String noAgent(TaskSpec spec) {
        return "no live agent takes type " + spec.type() + (spec.labels().isEmpty() ? "" : " with labels " + spec.labels());
    }

    public final class Snapshot {

        private List<AgentLoad> live;

        /** A task per agent that takes the spec, or null when none does. */
        public Broadcast expand(TaskSpec spec) {
            if (live == null) {
                live = registry.live();
            }
            List<TaskSpec> specs = new ArrayList<>();
            live.stream()
                    .filter(agent -> !agent.status().draining() && Fleet.takes(agent.status(), spec))
                    .map(agent -> agent.status().id())
                    .sorted()
                    .forEach(id -> specs.add(spec.pinnedTo(id)));
            return specs.isEmpty() ? null : new Broadcast(UUID.randomUUID().toString(), specs);
        }
    }
}
