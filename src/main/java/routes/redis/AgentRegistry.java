package routes.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.StringRedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.core.types.RedisClientInfo;
import org.springframework.stereotype.Component;
import routes.config.DispatcherProperties;
import routes.config.JsonCodec;
import routes.message.AgentStatus;

/** Agents' liveness and status in Redis: written by each agent's heartbeat, read by the dispatcher and the API. */
@Component
public class AgentRegistry {

    private static final Logger log = LoggerFactory.getLogger(AgentRegistry.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final DispatcherProperties dispatcher;
    private final AtomicBoolean clientListRefused = new AtomicBoolean();

    public AgentRegistry(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, DispatcherProperties dispatcher) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.dispatcher = dispatcher;
    }

    /**
     * Records a heartbeat at Redis's own time, so agents' clocks do not matter. KEYS[1] agents sorted set; ARGV[1]
     * agent id. Returns the time recorded (ms). (The agents sorted set alone: an agent's Redis user may run scripts
     * on it, and on its own keys, but not on both at once.)
     */
    private static final RedisScript<Long> HEARTBEAT = RedisScript.of("""
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            return now
            """, Long.class);

    /**
     * Every agent with its last heartbeat, and Redis's time now. KEYS[1] agents sorted set. Returns
     * [now, id1, heartbeat1, id2, heartbeat2, ...], all as strings.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> HEARTBEATS = RedisScript.of("""
            local t = redis.call('TIME')
            local reply = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
            table.insert(reply, 1, tostring(t[1] * 1000 + math.floor(t[2] / 1000)))
            return reply
            """, List.class);

    /**
     * The status first, then the heartbeat: an agent is never live without its status. In the same round trip, whether
     * an operator asks the agent to drain (the drain requests set), which the agent follows. All in one pipeline,
     * which keeps their order (the script goes as EVAL, which a pipeline cannot retry as EVALSHA).
     */
    public boolean heartbeat(AgentStatus status) {
        byte[] statusKey = bytes(keys.agent(status.id()));
        byte[] statusValue = bytes(json.write(status));
        byte[] script = bytes(HEARTBEAT.getScriptAsString());
        byte[] agents = bytes(keys.agents());
        byte[] drains = bytes(keys.drains());
        byte[] id = bytes(status.id());
        List<Object> replies = redis.executePipelined((RedisCallback<Object>) connection -> {
            connection.stringCommands().set(statusKey, statusValue);
            connection.scriptingCommands().eval(script, ReturnType.INTEGER, 1, agents, id);
            connection.setCommands().sIsMember(drains, id);
            return null;
        });
        return Boolean.TRUE.equals(replies.get(2));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Every agent that ever sent a heartbeat (or that Redis was restored with), live or dead. */
    public List<String> ids() {
        Set<String> ids = redis.opsForZSet().range(keys.agents(), 0, -1);
        return ids == null ? List.of() : List.copyOf(ids);
    }

    /** Every agent known, live or not, with how much work it holds. */
    public List<AgentLoad> all() {
        return load(false);
    }

    /** Agents that heartbeat within the agent timeout, with how much work they hold. */
    public List<AgentLoad> live() {
        return load(true);
    }

    /** Status and held work of the agents, read in two round trips. */
    private List<AgentLoad> load(boolean liveOnly) {
        List<AgentLoad> loads = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Boolean> alive = new ArrayList<>();
        List<Long> ages = new ArrayList<>();
        long timeout = dispatcher.agentTimeout().toMillis();
        heartbeats().forEach((id, age) -> {
            boolean live = age <= timeout;
            if (live || !liveOnly) {
                ids.add(id);
                alive.add(live);
                ages.add(age);
            }
        });
        if (ids.isEmpty()) {
            return loads;
        }
        List<Object> replies = redis.executePipelined((RedisCallback<Object>) connection -> {
            StringRedisConnection c = (StringRedisConnection) connection;
            for (String id : ids) {
                c.get(keys.agent(id));
                c.lLen(keys.inbox(id));
                c.lLen(keys.inflight(id));
            }
            return null;
        });
        for (int i = 0; i < ids.size(); i++) {
            String status = (String) replies.get(3 * i);
            if (status != null) {
                int held = (int) ((Long) replies.get(3 * i + 1) + (Long) replies.get(3 * i + 2));
                loads.add(new AgentLoad(json.read(status, AgentStatus.class), held, alive.get(i),
                        ages.get(i)));
            }
        }
        return loads;
    }

    /**
     * What one look at the heartbeats found: the dead agents, each with the silence that proved it; every agent known;
     * and how long (ms) until another could be found dead, the moment to look again.
     */
    public record Silence(Map<String, Duration> dead, List<String> ids, long lookAgainInMillis) {
    }

    /**
     * Dead agents, each with the silence that proved it: longer than the agent timeout, or longer than the
     * disconnected timeout while no Redis connection carries the agent's name (its process is gone: the kernel
     * closed its sockets), which is how a kill -9 is seen in about two seconds instead of the agent timeout. With
     * them, when to look again: as soon as the quietest live agent passes the next of these two silences.
     */
    public Silence silence() {
        Map<String, Duration> silent = new LinkedHashMap<>();
        List<String> late = new ArrayList<>();
        long agentTimeout = dispatcher.agentTimeout().toMillis();
        long disconnectedTimeout = dispatcher.disconnectedTimeout().toMillis();
        long lookAgainIn = Long.MAX_VALUE;
        Map<String, Long> heartbeats = heartbeats();
        for (Map.Entry<String, Long> heartbeat : heartbeats.entrySet()) {
            long age = heartbeat.getValue();
            if (age > agentTimeout) {
                silent.put(heartbeat.getKey(), dispatcher.agentTimeout());
            } else if (age > disconnectedTimeout) {
                late.add(heartbeat.getKey());
                lookAgainIn = Math.min(lookAgainIn, agentTimeout - age + 1);
            } else {
                lookAgainIn = Math.min(lookAgainIn, disconnectedTimeout - age + 1);
            }
        }
        Set<String> connected = late.isEmpty() ? null : connectedAgents();
        if (connected != null) {
            late.stream().filter(id -> !connected.contains(id))
                    .forEach(id -> silent.put(id, dispatcher.disconnectedTimeout()));
        }
        return new Silence(silent, List.copyOf(heartbeats.keySet()), lookAgainIn);
    }

    /** Whether the agent's inbox or in-flight list holds the entry "taskId:attempt". */
    public boolean holds(String agentId, String entry) {
        return redis.opsForList().indexOf(keys.inbox(agentId), entry) != null
                || redis.opsForList().indexOf(keys.inflight(agentId), entry) != null;
    }

    /**
     * Agents with at least one open Redis connection; null when that cannot be told: Redis refuses CLIENT LIST,
     * or shows no agent's name at all (a proxy in between, or agents that do not name their connections).
     */
    private Set<String> connectedAgents() {
        List<RedisClientInfo> clients;
        try {
            clients = redis.execute((RedisCallback<List<RedisClientInfo>>) c -> c.serverCommands().getClientList());
        } catch (DataAccessException e) {
            if (clientListRefused.compareAndSet(false, true)) {
                log.warn("CLIENT LIST failed ({}); dead agents are found by caravan.dispatcher.agent-timeout alone",
                        e.getMessage());
            }
            return null;
        }
        Set<String> connected = new HashSet<>();
        for (RedisClientInfo client : clients == null ? List.<RedisClientInfo>of() : clients) {
            String agentId = keys.agentOfConnection(client.getName());
            if (agentId != null) {
                connected.add(agentId);
            }
        }
        return connected.isEmpty() ? null : connected;
    }

    /** Every agent that ever sent a heartbeat, and how long ago that was (ms, by Redis's clock). */
    private Map<String, Long> heartbeats() {
        List<?> reply = redis.execute(HEARTBEATS, List.of(keys.agents()));
        Map<String, Long> heartbeats = new LinkedHashMap<>();
        if (reply == null || reply.isEmpty()) {
            return heartbeats;
        }
        long now = Long.parseLong((String) reply.get(0));
        for (int i = 1; i + 1 < reply.size(); i += 2) {
            heartbeats.put((String) reply.get(i), now - (long) Double.parseDouble((String) reply.get(i + 1)));
        }
        return heartbeats;
    }
}
