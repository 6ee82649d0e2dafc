package routes.agent;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.redis.RedisKeys;
import routes.redis.ReclaimedEntry;

/**
 * Draining: the agent takes no new work, hands what waits in its inbox back to control, and lets what runs finish.
 * Two ways in: an operator's drain request (the {@code draining} set in Redis, read at every heartbeat; the agent
 * stays up, idle, until the request is withdrawn), or a stop (SIGTERM): then the agent waits for its running
 * tasks up to {@code caravan.agent.drain-grace}, kills what still runs (reported FAILED, with the reason) and
 * only then lets the application shut down.
 */
@Component
@AgentRole
public class AgentDrain {

    private static final Logger log = LoggerFactory.getLogger(AgentDrain.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration REPORT_WAIT = Duration.ofSeconds(10);

    /**
     * KEYS[1] the agent's inbox, KEYS[2] the hand-back list; ARGV[1] the agent id, ARGV[2] "drained". Moves every
     * inbox entry, atomically, as "agent|entry|drained". Returns how many moved.
     */
    private static final RedisScript<Long> HAND_BACK = RedisScript.of("""
            local entries = redis.call('LRANGE', KEYS[1], 0, -1)
            for _, entry in ipairs(entries) do
              redis.call('RPUSH', KEYS[2], ARGV[1] .. '|' .. entry .. '|' .. ARGV[2])
            end
            redis.call('DEL', KEYS[1])
            return #entries
            """, Long.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final AgentProperties agent;
    private final RunningProcesses processes;
    private final ApplicationContext context;
    private volatile boolean requested;
    private volatile boolean stopping;

    public AgentDrain(StringRedisTemplate redis, RedisKeys keys, AgentProperties agent, RunningProcesses processes,
                      ApplicationContext context) {
        this.redis = redis;
        this.keys = keys;
        this.agent = agent;
        this.processes = processes;
        this.context = context;
    }

    public boolean draining() {
        return requested || stopping;
    }

    /** At every heartbeat: follows the operator's drain request, and hands back what reached the inbox meanwhile. */
    public void check() {
        boolean now = Boolean.TRUE.equals(redis.opsForSet().isMember(keys.drains(), agent.id()));
        if (now != requested) {
            log.info(now ? "Draining on request: taking no new work, inbox handed back"
                    : "Drain request withdrawn: taking work again");
            requested = now;
        }
        if (draining()) {
            handBack();
        }
    }

    /** SIGTERM (or any close of the application): drain before the routes and the Redis connections go. */
    @EventListener
    public void onStop(ContextClosedEvent event) throws InterruptedException {
        if (event.getApplicationContext() != context) {
            return;
        }
        stopping = true;
        long grace = agent.drainGrace().toMillis();
        log.info("Stopping: taking no new work, inbox handed back, waiting up to {} ms for running tasks", grace);
        long deadline = System.currentTimeMillis() + grace;
        while (holdsWork() && System.currentTimeMillis() < deadline) {
            Thread.sleep(POLL.toMillis());
        }
        if (holdsWork()) {
            log.warn("Drain grace of {} ms is over: killing the tasks still running", grace);
            processes.stopAll();
            deadline = System.currentTimeMillis() + REPORT_WAIT.toMillis();
            while (holdsWork() && System.currentTimeMillis() < deadline) {
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    /** Hands the inbox back (a claim under way may still land there), and tells whether anything is in flight. */
    private boolean holdsWork() {
        handBack();
        Long inflight = redis.opsForList().size(keys.inflight(agent.id()));
        return inflight != null && inflight > 0;
    }

    private void handBack() {
        Long moved = redis.execute(HAND_BACK, List.of(keys.inbox(agent.id()), keys.handedBack()), agent.id(),
                ReclaimedEntry.DRAINED);
        if (moved != null && moved > 0) {
            log.info("Handed {} unstarted tasks back to control", moved);
        }
    }
}
