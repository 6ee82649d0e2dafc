package routes.dispatch;

import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.redis.AgentRegistry;

/**
 * Chooses agents for ready tasks. A dispatch pass takes one view of the live fleet, then asks for each task
 * which agent it goes to: null when none can take it now, and the task waits in its queue.
 */
@Component
@ControlRole
public class AgentSelector {

    private final AgentRegistry registry;

    public AgentSelector(AgentRegistry registry) {
        this.registry = registry;
    }

    public Fleet fleet() {
        return new Fleet(registry.live());
    }

    public String choose(ReadyTask task, Fleet fleet) {
        return fleet.best(task.spec()).map(agent -> agent.status().id()).orElse(null);
    }
}
