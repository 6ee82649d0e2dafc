package routes.dispatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import routes.message.AgentStatus;
import routes.message.TaskSpec;
import routes.redis.AgentLoad;

/**
 * The live agents as one dispatch pass sees them, and what the pass hands out to them. Each task handed out takes a
 * slot here, so the rest of the pass ranks agents with the work it has just handed out; the pass places them all at
 * its end ({@link TaskPlacement#placeAll}).
 */
public class Fleet {

    private final Map<String, AgentLoad> agents = new LinkedHashMap<>();
    private final List<Handout> handouts = new ArrayList<>();

    /** A task this pass hands to an agent. */
    public record Handout(ReadyTask task, String agentId) {
    }

    /**
     * The live agents that take work: one above its CPU or memory threshold, or draining, is offered nothing.
     */
    public Fleet(List<AgentLoad> live) {
        live.stream().filter(agent -> !agent.status().overloaded() && !agent.status().draining())
                .forEach(agent -> agents.put(agent.status().id(), agent));
    }

    public int freeSlots() {
        return agents.values().stream().mapToInt(AgentLoad::freeSlots).sum();
    }

    public boolean serves(String type) {
        return agents.values().stream().anyMatch(a -> a.freeSlots() > 0 && a.status().types().contains(type));
    }

    /**
     * The agent that should run the task: it takes the task's type, carries all its labels, is the pinned
     * agent if one is named, has a free slot; among those the lowest score wins.
     */
    public Optional<AgentLoad> best(TaskSpec task) {
        return agents.values().stream()
                .filter(a -> a.freeSlots() > 0)
                .filter(a -> takes(a.status(), task))
                .min(Comparator.comparingDouble(AgentLoad::score));
    }

    /**
     * Whether the agent may run the task: it takes the task's type, carries all its labels, is the pinned one and
     * holds the code version the task needs. A payload task is for workers: no agent takes it.
     */
    static boolean takes(AgentStatus agent, TaskSpec task) {
        return !task.forWorker() && agent.types().contains(task.type())
                && (task.agent() == null || task.agent().equals(agent.id()))
                && (task.code() == null || agent.holds(task.code()))
                && agent.labels().entrySet().containsAll(task.labels().entrySet());
    }

    public AgentLoad get(String agentId) {
        return agents.get(agentId);
    }

    /** The pass hands the task to the agent, which has one free slot less for the rest of the pass. */
    public void handOut(ReadyTask task, String agentId) {
        agents.computeIfPresent(agentId, (id, agent) -> agent.withOneMore());
        handouts.add(new Handout(task, agentId));
    }

    /** What the pass handed out, in order. */
    public List<Handout> handouts() {
        return List.copyOf(handouts);
    }
}
