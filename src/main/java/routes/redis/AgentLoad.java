package routes.redis;

import routes.message.AgentStatus;

/**
 * An agent's status with the work it holds now (inbox + in-flight), as the dispatcher and the API see it.
 *
 * @param heartbeatAge how long ago its last heartbeat was, in ms by Redis's clock
 */
public record AgentLoad(AgentStatus status, int held, boolean alive, long heartbeatAge) {

    public int freeSlots() {
        return Math.max(0, status.slots() - held);
    }

    /**
     * Lower is better: CPU, memory and load per core (each 0..1) plus twice the share of slots already taken,
     * so work spreads across agents before it piles on the least loaded one.
     */
    public double score() {
        return status.cpu() + status.memory() + Math.min(1.0, status.load()) + 2.0 * held / status.slots();
    }

    public AgentLoad withOneMore() {
        return new AgentLoad(status, held + 1, alive, heartbeatAge);
    }
}
