package routes.agent;

import java.time.Duration;
import java.util.ArrayList;
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

/**
 * Draining: the agent takes no new work, hands what waits in its inbox back to control, and lets what runs finish.
 * Two ways in: an operator's drain request (the {@code drains} set in Redis, read with every heartbeat; the agent
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
     * KEYS[1] the agent's inbox, KEYS[2] where the entry goes (its in-flight list, or its drained list for control);
     * ARGV[1] the entry. Moves one entry if it is still in the inbox; returns 1 if it did.
     */
    private static final RedisScript<Long> MOVE_ONE = RedisScript.of("""
            if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
              return 0
            end
            redis.call('RPUSH', KEYS[2], ARGV[1])
            return 1
            """, Long.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final AgentProperties agent;
    private final RunningProcesses processes;
    private final RunReports reports;
    private final ApplicationContext context;
    private volatile boolean requested;
    private volatile boolean stopping;

    public AgentDrain(StringRedisTemplate redis, RedisKeys keys, AgentProperties agent, RunningProcesses processes,
                      RunReports reports, ApplicationContext context) {
        this.reports = reports;
        this.redis = redis;
        this.keys = keys;
        this.agent = agent;
        this.processes = processes;
        this.context = context;
    }

    public boolean draining() {
        return requested || stopping;
    }

    /**
     * At every heartbeat: follows the operator's drain request (read with the heartbeat), and hands back what reached
     * the inbox.
     */
    public void follow(boolean now) {
        if (now != requested) {
            log.info(now ? "Draining on request: taking no new work, inbox handed back"
                    : "Drain request withdrawn: taking work again");
            requested = now;
        }
        if (draining()) {
            moveInbox(false);
        }
    }

    /**
     * The claim while draining (AgentInbox): every inbox entry goes back to control, except an attempt this agent
     * runs or ran (control put it back after Redis lost its keys). That one moves to in-flight and is returned,
     * for the run route to recognise it: not started twice, its outcome reported again.
     */
    public List<String> claimWhileDraining() {
        return moveInbox(true);
    }

    /** Hands back the entries this agent does not know; claims the known ones too when asked. */
    private List<String> moveInbox(boolean claimKnown) {
        List<String> inbox = redis.opsForList().range(keys.inbox(agent.id()), 0, -1);
        List<String> claimed = new ArrayList<>();
        int handedBack = 0;
        for (String entry : inbox == null ? List.<String>of() : inbox) {
            boolean ours = reports.knows(entry);
            if (ours && !claimKnown) {
                continue;
            }
            Long moved = redis.execute(MOVE_ONE, List.of(keys.inbox(agent.id()),
                    ours ? keys.inflight(agent.id()) : keys.drained(agent.id())), entry);
            if (moved != null && moved > 0) {
                if (ours) {
                    claimed.add(entry);
                } else {
                    handedBack++;
                }
            }
        }
        if (handedBack > 0) {
            log.info("Handed {} unstarted tasks back to control", handedBack);
        }
        return claimed;
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

    /**
     * Whether a task still runs here or waits for its report to leave: processes this agent started (whatever
     * Redis says), or entries in its in-flight list. The inbox is handed back again first (a claim under way, or a
     * dispatch that had not seen the drain yet, may still land there).
     */
    private boolean holdsWork() {
        moveInbox(false);
        Long inflight = redis.opsForList().size(keys.inflight(agent.id()));
        return reports.runningCount() > 0 || (inflight != null && inflight > 0);
    }
}
