package routes.redis;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.data.redis.connection.StringRedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.stereotype.Component;
import routes.agent.AgentStatus;
import routes.config.DispatcherProperties;
import routes.config.JsonCodec;

/** Agents' liveness and status in Redis: written by each agent's heartbeat, read by the dispatcher and the API. */
@Component
public class AgentRegistry {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final DispatcherProperties dispatcher;
    private final Clock clock = Clock.systemUTC();

    public AgentRegistry(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, DispatcherProperties dispatcher) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.dispatcher = dispatcher;
    }

    public void heartbeat(AgentStatus status) {
        redis.opsForValue().set(keys.agent(status.id()), json.write(status));
        redis.opsForZSet().add(keys.agents(), status.id(), status.heartbeatAt());
    }

    /** Every agent known, live or not, with how much work it holds. */
    public List<AgentLoad> all() {
        return load(redis.opsForZSet().rangeWithScores(keys.agents(), 0, -1));
    }

    /** Agents that heartbeat within the agent timeout, with how much work they hold. */
    public List<AgentLoad> live() {
        double since = clock.millis() - dispatcher.agentTimeout().toMillis();
        return load(redis.opsForZSet().rangeByScoreWithScores(keys.agents(), since, Double.MAX_VALUE));
    }

    /** Status and held work of each agent, read in one round trip. */
    private List<AgentLoad> load(Set<TypedTuple<String>> agents) {
        List<AgentLoad> loads = new ArrayList<>();
        if (agents == null || agents.isEmpty()) {
            return loads;
        }
        List<TypedTuple<String>> listed = new ArrayList<>(agents);
        List<Object> replies = redis.executePipelined((RedisCallback<Object>) connection -> {
            StringRedisConnection c = (StringRedisConnection) connection;
            for (TypedTuple<String> agent : listed) {
                c.get(keys.agent(agent.getValue()));
                c.lLen(keys.inbox(agent.getValue()));
                c.lLen(keys.inflight(agent.getValue()));
            }
            return null;
        });
        long liveSince = clock.millis() - dispatcher.agentTimeout().toMillis();
        for (int i = 0; i < listed.size(); i++) {
            String status = (String) replies.get(3 * i);
            if (status == null) {
                continue;
            }
            int held = (int) ((Long) replies.get(3 * i + 1) + (Long) replies.get(3 * i + 2));
            Double seen = listed.get(i).getScore();
            loads.add(new AgentLoad(json.read(status, AgentStatus.class), held, seen != null && seen >= liveSince));
        }
        return loads;
    }
}
