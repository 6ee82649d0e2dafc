package routes.redis;

import java.time.Duration;
import java.util.List;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.config.RetentionProperties;

/**
 * The lease that lets one control node at a time prune old history (retention.yaml): a key holding the node's id,
 * set only when absent, for {@link #LEASE} at a time, renewed before each batch and released at the end of the
 * pass. A node that dies while pruning holds it until it expires; the next pass of any node goes on from there.
 */
@Component
@ControlRole
public class RetentionLease {

    /** How long the lease lasts unless renewed: far longer than one batch takes. */
    static final Duration LEASE = Duration.ofMinutes(5);

    /** KEYS[1] the lease; ARGV[1] node id, ARGV[2] lease (ms). Renews it if this node holds it: 1, else 0. */
    private static final RedisScript<Long> RENEW = RedisScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            end
            return 0
            """, Long.class);

    /** KEYS[1] the lease; ARGV[1] node id. Deletes it if this node holds it: 1, else 0. */
    private static final RedisScript<Long> RELEASE = RedisScript.of("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """, Long.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final String nodeId;
    private final int batchSize;

    public RetentionLease(StringRedisTemplate redis, RedisKeys keys, ControlProperties control,
                          RetentionProperties retention) {
        this.redis = redis;
        this.keys = keys;
        this.nodeId = control.nodeId();
        this.batchSize = retention.batchSize();
    }

    /** Takes the lease (SET NX PX); false when another node (or this one) holds it: it prunes now. */
    public boolean take() {
        return Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(keys.pruning(), nodeId, LEASE));
    }

    /**
     * Whether to delete another batch: yes before the first ({@code lastBatch} null), and after a full one while this
     * node still holds the lease (renewed here); a batch smaller than caravan.retention.batch-size was the last.
     */
    public boolean another(Integer lastBatch) {
        return lastBatch == null || lastBatch >= batchSize && renew();
    }

    public void release() {
        redis.execute(RELEASE, List.of(keys.pruning()), nodeId);
    }

    private boolean renew() {
        Long renewed = redis.execute(RENEW, List.of(keys.pruning()), nodeId, Long.toString(LEASE.toMillis()));
        return renewed != null && renewed == 1;
    }
}
