package routes.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.config.DispatcherProperties;
import routes.config.Wakeup;
import routes.config.Wakeups;
import routes.message.ReclaimedEntry;

/**
 * Takes work back from agents: all that dead agents held (inbox and in-flight), and what draining agents handed
 * back (their unstarted inbox, each in its own drained list: the entry is that agent's, whatever it says). The entries move, atomically, into this control node's reclaiming list, where
 * they stay until they are re-queued in SQL; a node that dies in between finds them there when it starts again.
 */
@Component
@ControlRole
public class ReclaimedWork {

    /**
     * KEYS[1] agents sorted set, KEYS[2] the agent's inbox, KEYS[3] its in-flight list, KEYS[4] this node's
     * reclaiming list; ARGV[1] agent id, ARGV[2] the silence (ms) that makes it dead, ARGV[3] "dead". Checks, at
     * Redis's time, that the agent is still silent, then moves its entries as "agent|entry|dead" and sets its heartbeat to 0, so that every node sees it
     * dead however it was found dead. Returns [1 if this call declared it dead (0 if it was declared dead before, or
     * is alive), how many moved].
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> RECLAIM = RedisScript.of("""
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local beat = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if beat and tonumber(beat) >= now - tonumber(ARGV[2]) then
              return {0, 0}
            end
            local declared = 0
            if beat and tonumber(beat) > 0 then
              declared = 1
            end
            local moved = 0
            for _, list in ipairs({KEYS[2], KEYS[3]}) do
              for _, entry in ipairs(redis.call('LRANGE', list, 0, -1)) do
                redis.call('RPUSH', KEYS[4], ARGV[1] .. '|' .. entry .. '|' .. ARGV[3])
                moved = moved + 1
              end
              redis.call('DEL', list)
            end
            -- dead for everyone from now on (the dispatcher too), until it sends a heartbeat again
            redis.call('ZADD', KEYS[1], 0, ARGV[1])
            return {declared, moved}
            """, List.class);

    /**
     * Moves all of the hand-back list, and all of each agent's drained list as "agent|entry|drained" with that
     * list's agent, to this node's reclaiming list. KEYS[1] hand-back list, KEYS[2] this node's reclaiming list,
     * KEYS[2+i] agent i's drained list; ARGV[1] "drained", ARGV[1+i] agent i's id. Returns all the reclaiming list
     * then holds.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> TAKE_HANDED_BACK = RedisScript.of("""
            for i = 1, #KEYS do
              if i ~= 2 then
                local entries = redis.call('LRANGE', KEYS[i], 0, -1)
                for _, entry in ipairs(entries) do
                  if i > 2 then
                    entry = ARGV[i - 1] .. '|' .. entry .. '|' .. ARGV[1]
                  end
                  redis.call('RPUSH', KEYS[2], entry)
                end
                redis.call('DEL', KEYS[i])
              end
            end
            return redis.call('LRANGE', KEYS[2], 0, -1)
            """, List.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final AgentRegistry agents;
    private final String nodeId;
    private final Counter failovers;
    private final long checkMillis;
    private final Wakeup wakeup;

    public ReclaimedWork(StringRedisTemplate redis, RedisKeys keys, AgentRegistry agents, ControlProperties control,
                         DispatcherProperties dispatcher, MeterRegistry meters, Wakeups wakeups) {
        this.redis = redis;
        this.keys = keys;
        this.agents = agents;
        this.nodeId = control.nodeId();
        this.checkMillis = dispatcher.failoverCheckMillis();
        this.wakeup = wakeups.create();
        this.failovers = Counter.builder("caravan.failovers")
                .description("agents declared dead, whose work was taken back").register(meters);
    }

    /**
     * Waits for the next check: until the quietest live agent could be found dead (its heartbeat passes the
     * disconnected timeout or the agent timeout, as the last check saw it), and at most
     * {@code caravan.dispatcher.failover-check-millis} (drains, lapsed worker leases, late agents' connections).
     */
    public void awaitNextCheck() throws InterruptedException {
        wakeup.await(checkMillis);
    }

    /**
     * Moves the entries of every dead agent, and those draining agents handed back, into this node's reclaiming
     * list, and returns all that list holds (with what an earlier, interrupted round left there), as it holds them
     * ("agent|taskId:attempt|why": see {@link ReclaimedEntry#parse}).
     */
    @SuppressWarnings("unchecked")
    public List<String> reclaim() {
        // only heartbeats are read here, every check: the script itself checks again, atomically
        AgentRegistry.Silence found = agents.silence();
        if (found.lookAgainInMillis() < Long.MAX_VALUE) {
            wakeup.at(System.currentTimeMillis() + found.lookAgainInMillis());
        }
        found.dead().forEach((id, silence) -> {
            List<?> reclaimed = redis.execute(RECLAIM,
                    List.of(keys.agents(), keys.inbox(id), keys.inflight(id), keys.reclaiming(nodeId)),
                    id, Long.toString(silence.toMillis()), ReclaimedEntry.DEAD);
            if (reclaimed != null && !reclaimed.isEmpty() && ((Number) reclaimed.get(0)).longValue() == 1) {
                failovers.increment();
            }
        });
        List<String> lists = new ArrayList<>(List.of(keys.handedBack(), keys.reclaiming(nodeId)));
        List<String> args = new ArrayList<>(List.of(ReclaimedEntry.DRAINED));
        for (String agent : found.ids()) {
            lists.add(keys.drained(agent));
            args.add(agent);
        }
        List<String> held = redis.execute(TAKE_HANDED_BACK, lists, args.toArray());
        return held == null ? List.of() : held;
    }

    /**
     * Called once reclaimed entries are re-queued (or found stale) in SQL, or quarantined. An entry that failed
     * and has tries left stays, and is tried again at the next check.
     */
    public void acknowledge(List<String> entries) {
        if (!entries.isEmpty()) {
            redis.executePipelined((RedisCallback<Object>) connection -> {
                byte[] list = keys.reclaiming(nodeId).getBytes(StandardCharsets.UTF_8);
                for (String entry : entries) {
                    connection.listCommands().lRem(list, 1, entry.getBytes(StandardCharsets.UTF_8));
                }
                return null;
            });
        }
    }
}
