package routes.redis;

import java.util.List;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.AlertProperties;
import routes.config.ControlProperties;
import routes.config.ControlRole;

/**
 * The lease that lets one control node at a time check the alert rules (alerts.yaml): a key holding the node's id
 * for three checks' time, renewed by its holder at every check. When the holder stops, the lease expires and the
 * next node to check takes it; the incidents it goes on from are in SQL.
 */
@Component
@ControlRole
public class AlertLease {

    /**
     * KEYS[1] the lease; ARGV[1] node id, ARGV[2] lease (ms). Renews it if this node holds it, takes it if nobody
     * does: 1; else 0.
     */
    private static final RedisScript<Long> HOLD = RedisScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
              return 1
            end
            return 0
            """, Long.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final String nodeId;
    private final long leaseMillis;

    public AlertLease(StringRedisTemplate redis, RedisKeys keys, ControlProperties control, AlertProperties alerts) {
        this.redis = redis;
        this.keys = keys;
        this.nodeId = control.nodeId();
        this.leaseMillis = 3 * alerts.checkMillis();
    }

    /** Whether this node checks the rules now: it held the lease and renewed it, or took it. */
    public boolean hold() {
        Long held = redis.execute(HOLD, List.of(keys.alerting()), nodeId, Long.toString(leaseMillis));
        return held != null && held == 1;
    }
}
