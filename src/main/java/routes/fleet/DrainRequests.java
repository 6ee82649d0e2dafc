package routes.fleet;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.domain.NotFound;
import routes.redis.RedisKeys;

/**
 * Operators' requests that an agent drain: kept in SQL (the record) and in a Redis set the agents read at every
 * heartbeat. A drained agent takes no work until the request is withdrawn, across its own restarts too.
 */
@Component
@ControlRole
public class DrainRequests {

    private final JdbcClient sql;
    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Clock clock = Clock.systemUTC();

    public DrainRequests(JdbcClient sql, StringRedisTemplate redis, RedisKeys keys) {
        this.sql = sql;
        this.redis = redis;
        this.keys = keys;
    }

    public Map<String, Object> drain(String agentId) {
        requireKnown(agentId);
        sql.sql("INSERT IGNORE INTO agent_drains (agent_id, requested_at) VALUES (?, ?)")
                .params(agentId, clock.millis()).update();
        redis.opsForSet().add(keys.drains(), agentId);
        return Map.of("agent", agentId, "drainRequested", true);
    }

    /** Withdraws a drain request; not found only when there is none and the agent is unknown. */
    public Map<String, Object> resume(String agentId) {
        if (sql.sql("DELETE FROM agent_drains WHERE agent_id = ?").param(agentId).update() == 0) {
            requireKnown(agentId);
        }
        redis.opsForSet().remove(keys.drains(), agentId);
        return Map.of("agent", agentId, "drainRequested", false);
    }

    /** Puts the requests back into Redis after it lost its keys; returns how many. */
    public int restore() {
        List<String> agents = sql.sql("SELECT agent_id FROM agent_drains").query(String.class).list();
        if (!agents.isEmpty()) {
            redis.opsForSet().add(keys.drains(), agents.toArray(String[]::new));
        }
        return agents.size();
    }

    private void requireKnown(String agentId) {
        if (redis.opsForZSet().score(keys.agents(), agentId) == null) {
            throw new NotFound("no agent " + agentId + " has sent a heartbeat");
        }
    }
}
