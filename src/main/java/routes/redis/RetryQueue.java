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
import routes.config.TaskProperties;
import routes.config.Wakeup;
import routes.config.Wakeups;
import routes.message.DueRetry;

/**
 * Tasks waiting for a retry, by due time. SQL holds the same (state RETRYING, retry_at); this is the fast path. The
 * loop that releases them waits for the next due time instead of looking every few milliseconds: the earliest in the
 * set when it last looked, or an earlier one this node scheduled since; and looks anyway every
 * {@code caravan.tasks.retry-check-millis} (retries another node scheduled and did not release).
 */
@Component
@ControlRole
public class RetryQueue {

    /**
     * Takes due entries off the set. KEYS[1] retries; ARGV[1] now (ms), ARGV[2] most to take. Returns the ids taken,
     * or, when none is due, {"", due time of the next one} ({} when the set is empty).
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> TAKE = RedisScript.of("""
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            if #due > 0 then
              redis.call('ZREM', KEYS[1], unpack(due))
              return due
            end
            local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            if #head == 0 then
              return {}
            end
            return {'', head[2]}
            """, List.class);
    private static final int TAKE_AT_ONCE = 500;

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final long checkMillis;
    private final Wakeup wakeup;
    private final Clock clock = Clock.systemUTC();
    private long lookedInSqlAt = Long.MIN_VALUE;

    public RetryQueue(StringRedisTemplate redis, RedisKeys keys, TaskProperties tasks, Wakeups wakeups) {
        this.redis = redis;
        this.keys = keys;
        this.checkMillis = tasks.retryCheckMillis();
        this.wakeup = wakeups.create();
    }

    public void schedule(List<DueRetry> retries) {
        if (!retries.isEmpty()) {
            Set<TypedTuple<String>> entries = new HashSet<>();
            retries.forEach(retry -> entries.add(TypedTuple.of(retry.taskId(), (double) retry.at())));
            redis.opsForZSet().add(keys.retries(), entries);
            wakeup.at(retries.stream().mapToLong(DueRetry::at).min().getAsLong());
        }
    }

    /** Puts back retries that were taken and could not be re-queued: due again in a second. */
    public void putBack(List<String> taskIds) {
        if (!taskIds.isEmpty()) {
            long at = clock.millis() + 1000;
            Set<TypedTuple<String>> entries = new HashSet<>();
            taskIds.forEach(id -> entries.add(TypedTuple.of(id, (double) at)));
            redis.opsForZSet().add(keys.retries(), entries);
            wakeup.at(at);
        }
    }

    /**
     * The ids of tasks whose retry is due, taken off the set (two control nodes never take the same one). When none
     * is due it waits until the next one is (see the class), and returns none: the loop then looks again.
     */
    public List<String> takeDue() throws InterruptedException {
        List<?> answer = redis.execute(TAKE, List.of(keys.retries()), Long.toString(clock.millis()),
                Integer.toString(TAKE_AT_ONCE));
        if (answer != null && !answer.isEmpty() && !"".equals(answer.get(0))) {
            return answer.stream().map(String.class::cast).toList();
        }
        if (answer != null && answer.size() == 2) {
            wakeup.at(Long.parseLong((String) answer.get(1)));
        }
        wakeup.await(checkMillis);
        return List.of();
    }

    /**
     * Whether the loop should also look in SQL for retries that are overdue there (Redis lost them, or a node died
     * after taking them): at most once every {@code caravan.tasks.retry-check-millis}.
     */
    public boolean timeToLookInSql() {
        long now = clock.millis();
        if (now - lookedInSqlAt < checkMillis) {
            return false;
        }
        lookedInSqlAt = now;
        return true;
    }
}
