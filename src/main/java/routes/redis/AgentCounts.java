package routes.redis;

import java.util.List;

/**
 * The fleet in numbers, for the dashboard and the metrics: live agents (heartbeat within the agent timeout), of those
 * draining and overloaded, dead ones; the slots of the live agents, all and busy; and the age of the oldest heartbeat
 * among the live agents (ms, 0 without any), which nears the agent timeout when an agent stalls before it is dead.
 */
public record AgentCounts(int live, int draining, int overloaded, int dead, int slots, int busySlots,
                          long oldestHeartbeatAge) {

    public static AgentCounts of(List<AgentLoad> agents) {
        int live = 0;
        int draining = 0;
        int overloaded = 0;
        int dead = 0;
        int slots = 0;
        int busy = 0;
        long oldestHeartbeat = 0;
        for (AgentLoad agent : agents) {
            if (!agent.alive()) {
                dead++;
                continue;
            }
            live++;
            draining += agent.status().draining() ? 1 : 0;
            overloaded += agent.status().overloaded() ? 1 : 0;
            slots += agent.status().slots();
            busy += Math.min(agent.held(), agent.status().slots());
            oldestHeartbeat = Math.max(oldestHeartbeat, agent.heartbeatAge());
        }
        return new AgentCounts(live, draining, overloaded, dead, slots, busy, oldestHeartbeat);
    }
}
