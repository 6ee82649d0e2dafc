package routes.redis;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.message.DueRetry;

/** Tasks waiting for a retry, by due time. SQL holds the same (state RETRYING, retry_at); this is the fast path. */
@Component
@ControlRole
public class RetryQueue {

    /** Takes due entries off the set. KEYS[1] retries; ARGV[1] now (ms), ARGV[2] most to take. Returns the ids taken. */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> TAKE = RedisScript.of("""
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            if #due > 0 then
              redis.call('ZREM', KEYS[1], unpack(due))
            end
            return due
            """, List.class);
    private static final int TAKE_AT_ONCE = 500;

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Clock clock = Clock.systemUTC();

    public RetryQueue(StringRedisTemplate redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public void schedule(List<DueRetry> retries) {
        if (!retries.isEmpty()) {
            Set<TypedTuple<String>> entries = new HashSet<>();
            retries.forEach(retry -> entries.add(TypedTuple.of(retry.taskId(), (double) retry.at())));
            redis.opsForZSet().add(keys.retries(), entries);
        }
    }

    /** Puts back retries that were taken and could not be re-queued: due again in a second. */
    public void putBack(List<String> taskIds) {
        if (!taskIds.isEmpty()) {
            Set<TypedTuple<String>> entries = new HashSet<>();
            taskIds.forEach(id -> entries.add(TypedTuple.of(id, (double) clock.millis() + 1000)));
            redis.opsForZSet().add(keys.retries(), entries);
        }
    }

    /** The ids of tasks whose retry is due, taken off the set (two control nodes never take the same one). */
    @SuppressWarnings("unchecked")
    public List<String> takeDue() {
        List<String> due = redis.execute(TAKE, List.of(keys.retries()), Long.toString(clock.millis()),
                Integer.toString(TAKE_AT_ONCE));
        return due == null ? List.of() : due;
    }
}
