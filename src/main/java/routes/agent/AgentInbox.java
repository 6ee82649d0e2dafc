package routes.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.connection.RedisListCommands.Direction;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.AgentProperties;
import routes.config.AgentRole;
import routes.config.JsonCodec;
import routes.message.InboxEntry;
import routes.message.TaskSpec;
import routes.quarantine.Loop;
import routes.quarantine.Quarantine;
import routes.redis.RedisConfig;
import routes.redis.RedisKeys;

/**
 * The agent's end of its inbox. Claiming is an atomic move into the in-flight list (BLMOVE), so a crash
 * between claim and report leaves the task visible in Redis, never lost in the agent's memory.
 */
@Component
@AgentRole
public class AgentInbox {

    private static final Duration WAIT = RedisConfig.BLOCKING_WAIT;

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final AgentProperties agent;
    private final ResourceProbe probe;
    private final AgentDrain drain;

    /**
     * Sends an entry that failed back to the end of the inbox. KEYS[1] in-flight list, KEYS[2] inbox; ARGV[1]
     * the entry. Returns 1 when it moved.
     */
    private static final RedisScript<Long> TRY_LATER = RedisScript.of("""
            if redis.call('LREM', KEYS[1], 1, ARGV[1]) > 0 then
              redis.call('RPUSH', KEYS[2], ARGV[1])
              return 1
            end
            return 0
            """, Long.class);

    private final Quarantine quarantine;
    private final Loop loop;

    public AgentInbox(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, AgentProperties agent,
                      ResourceProbe probe, AgentDrain drain, Quarantine quarantine) {
        this.quarantine = quarantine;
        this.loop = new Loop("agent-inbox", agent.id(), keys.inbox(agent.id()), Loop.Replay.AGENT_INBOX);
        this.probe = probe;
        this.drain = drain;
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.agent = agent;
    }

    /**
     * Waits up to a second for work, then takes everything already there (never more than the slots). While
     * the machine is above its CPU or memory threshold it takes nothing: what is in the inbox waits there. While
     * the agent drains it takes nothing either: the inbox is handed back, except attempts it runs or ran.
     */
    public List<String> claim() throws InterruptedException {
        List<String> claimed = new ArrayList<>();
        if (drain.draining()) {
            claimed.addAll(drain.claimWhileDraining());
            if (claimed.isEmpty()) {
                Thread.sleep(WAIT.toMillis());
            }
            return claimed;
        }
        if (probe.overloaded()) {
            Thread.sleep(WAIT.toMillis());
            return claimed;
        }
        String first = redis.opsForList().move(keys.inbox(agent.id()), Direction.LEFT,
                keys.inflight(agent.id()), Direction.RIGHT, WAIT);
        while (first != null) {
            claimed.add(first);
            first = claimed.size() < agent.slots() ? redis.opsForList().move(keys.inbox(agent.id()), Direction.LEFT,
                    keys.inflight(agent.id()), Direction.RIGHT) : null;
        }
        return claimed;
    }

    /** What to run for a claimed entry, or null when the task was cancelled meanwhile (its spec is gone). */
    public Run open(String entry) {
        InboxEntry parsed = InboxEntry.parse(entry);
        String spec = redis.opsForValue().get(keys.task(parsed.taskId()));
        return spec == null ? null : new Run(parsed.taskId(), parsed.attempt(), json.read(spec, TaskSpec.class), entry);
    }

    /**
     * An entry the agent could not open, run or report: back to the end of the inbox for another try, then
     * quarantined. (An attempt that ran here is not run again: {@link RunReports#firstDelivery}.)
     */
    public void failed(String entry, Exception failure) {
        if (Quarantine.isStoreDown(failure)) {
            return;
        }
        if (quarantine.failed(loop, entry, failure) == Quarantine.Verdict.RETRY) {
            redis.execute(TRY_LATER, List.of(keys.inflight(agent.id()), keys.inbox(agent.id())), entry);
        } else {
            release(entry);
        }
    }

    /** Drops a claimed entry from the in-flight list: its report is on its way, or there is nothing to run. */
    public void release(String entry) {
        redis.opsForList().remove(keys.inflight(agent.id()), 1, entry);
    }
}
