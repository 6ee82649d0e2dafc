package routes.redis;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations.TypedTuple;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.JobProperties;
import routes.config.Wakeup;
import routes.config.Wakeups;
import routes.message.PlannedFire;

/**
 * The planned fires of the next few seconds, in a sorted set scored by due time. Only a window: SQL holds
 * every planned fire, and the planner rebuilds the wheel from it when Redis has lost it.
 */
@Component
@ControlRole
public class TimeWheel {

    /**
     * Takes due fires off the wheel. KEYS[1] wheel; ARGV[1] now (epoch ms), ARGV[2] most to take. Returns the
     * due members, or, when none is due, {"", score of the next one} ({} when the wheel is empty).
     */
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

    /**
     * Longest wait between looks at the wheel. Between looks the taker sleeps until the head of the wheel is due, or
     * until this node adds an earlier fire; fires that another node adds are that node's to take on time (this look
     * takes them when that node stopped).
     */
    private static final long LOOK_MILLIS = 5000;
    private static final int ADD_CHUNK = 1000;

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JobProperties jobs;
    private final Clock clock = Clock.systemUTC();
    private final Wakeup wakeup;

    public TimeWheel(StringRedisTemplate redis, RedisKeys keys, JobProperties jobs, Wakeups wakeups) {
        this.redis = redis;
        this.keys = keys;
        this.jobs = jobs;
        this.wakeup = wakeups.create();
    }

    public void add(Collection<PlannedFire> fires) {
        List<PlannedFire> all = List.copyOf(fires);
        for (int from = 0; from < all.size(); from += ADD_CHUNK) {
            Set<TypedTuple<String>> chunk = new HashSet<>();
            for (PlannedFire fire : all.subList(from, Math.min(all.size(), from + ADD_CHUNK))) {
                chunk.add(TypedTuple.of(fire.member(), (double) fire.scheduledAt()));
            }
            redis.opsForZSet().add(keys.wheel(), chunk);
        }
        all.stream().mapToLong(PlannedFire::scheduledAt).min().ifPresent(wakeup::at);
    }

    /** Puts back due entries as they were taken ("jobId@scheduledAt"), scored by their time. */
    public void putBack(List<String> members) {
        List<PlannedFire> fires = new ArrayList<>(members.size());
        for (String member : members) {
            try {
                fires.add(PlannedFire.parse(member));
            } catch (RuntimeException notAFire) {
                // it was quarantined when it was taken
            }
        }
        add(fires);
    }

    /**
     * Takes the due fires (at most the configured batch), as the wheel holds them ("jobId@scheduledAt"); when none is
     * due, waits until one is (see {@link #LOOK_MILLIS}) and takes none. Taking is atomic: two control nodes never
     * take the same entry.
     */
    public List<String> takeDue() throws InterruptedException {
        List<?> answer = redis.execute(TAKE, List.of(keys.wheel()), Long.toString(clock.millis()),
                Integer.toString(jobs.takeBatch()));
        if (answer != null && !answer.isEmpty() && !"".equals(answer.get(0))) {
            List<String> due = new ArrayList<>(answer.size());
            answer.forEach(member -> due.add((String) member));
            return due;
        }
        if (answer != null && answer.size() == 2) {
            wakeup.at(Long.parseLong((String) answer.get(1)));
        }
        wakeup.await(LOOK_MILLIS);
        return List.of();
    }

    /** False when Redis lost the wheel (restarted empty or flushed) since it was last built. */
    public boolean isBuilt() {
        return Boolean.TRUE.equals(redis.hasKey(keys.wheelBuilt()));
    }

    /** Marks the wheel built; called before the planned fires are added, so a loss during the adding shows. */
    public void markBuilt() {
        redis.opsForValue().set(keys.wheelBuilt(), Long.toString(clock.millis()));
    }
}
