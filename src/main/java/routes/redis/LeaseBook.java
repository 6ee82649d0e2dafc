package routes.redis;

import java.util.List;
import java.util.Set;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;
import routes.config.WorkerProperties;
import routes.message.ReclaimedEntry;

/**
 * Workers' leases on payload tasks, in Redis: who holds which task at which attempt until when, and which workers are
 * alive. A lease is taken with an atomic move out of the task's queue; it ends by a report (released), or it expires,
 * or its worker falls silent, and then it moves, atomically, into this node's reclaiming list, where failover takes it
 * back as it does a dead agent's work ({@link ReclaimedWork}). All times are Redis's.
 */
@Component
@ControlRole
public class LeaseBook {

    /**
     * Moves a task from its queue into a worker's leases if the worker holds fewer than its capacity. KEYS[1] queue,
     * KEYS[2] the worker's leases; ARGV[1] task id, ARGV[2] lease id "taskId:attempt", ARGV[3] capacity, ARGV[4] lease
     * time (ms). Returns the expiry (ms), 0 when the task is no longer in the queue, -1 when the worker is full.
     */
    private static final RedisScript<Long> TAKE = RedisScript.of("""
            if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then
              return -1
            end
            if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
              return 0
            end
            local t = redis.call('TIME')
            local expiry = t[1] * 1000 + math.floor(t[2] / 1000) + tonumber(ARGV[4])
            redis.call('ZADD', KEYS[2], expiry, ARGV[2])
            return expiry
            """, Long.class);

    /**
     * Extends a lease that has not expired. KEYS[1] the worker's leases; ARGV[1] lease id, ARGV[2] lease time (ms).
     * Returns the new expiry (ms), or -1 when the worker holds no such lease, or it has expired.
     */
    private static final RedisScript<Long> EXTEND = RedisScript.of("""
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not expiry or tonumber(expiry) < now then
              return -1
            end
            redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
            return now + tonumber(ARGV[2])
            """, Long.class);

    /**
     * Takes back one worker's leases: the expired ones, or all when the worker has been silent for the worker
     * timeout. KEYS[1] the worker's leases, KEYS[2] workers sorted set, KEYS[3] this node's reclaiming list; ARGV[1]
     * worker id, ARGV[2] worker timeout (ms), ARGV[3] "expired", ARGV[4] "silent". Each moves as
     * "worker|taskId:attempt|why"; a silent worker with nothing left is forgotten. Returns how many moved.
     */
    private static final RedisScript<Long> RECLAIM = RedisScript.of("""
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local beat = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[1]) or 0)
            local silent = beat < now - tonumber(ARGV[2])
            local taken
            if silent then
              taken = redis.call('ZRANGE', KEYS[1], 0, -1)
            else
              taken = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - 1)
            end
            for _, lease in ipairs(taken) do
              redis.call('RPUSH', KEYS[3], ARGV[1] .. '|' .. lease .. '|' .. (silent and ARGV[4] or ARGV[3]))
              redis.call('ZREM', KEYS[1], lease)
            end
            if silent then
              redis.call('ZREM', KEYS[2], ARGV[1])
            end
            return #taken
            """, Long.class);

    /** KEYS[1] workers sorted set; ARGV[1] worker id. Scores the worker with Redis's time now. */
    private static final RedisScript<Long> HEARTBEAT = RedisScript.of("""
            local t = redis.call('TIME')
            return redis.call('ZADD', KEYS[1], t[1] * 1000 + math.floor(t[2] / 1000), ARGV[1])
            """, Long.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final WorkerProperties workers;
    private final String nodeId;

    public LeaseBook(StringRedisTemplate redis, RedisKeys keys, WorkerProperties workers,
                     ControlProperties control) {
        this.redis = redis;
        this.keys = keys;
        this.workers = workers;
        this.nodeId = control.nodeId();
    }

    /** The worker is alive now (it registered, leased or extended): its registration is kept as long. */
    public void heartbeat(String workerId, String registration) {
        redis.execute(HEARTBEAT, List.of(keys.workers()), workerId);
        if (registration != null) {
            redis.opsForValue().set(keys.worker(workerId), registration, workers.workerTimeout());
        } else {
            redis.expire(keys.worker(workerId), workers.workerTimeout());
        }
    }

    /** The worker's registration (JSON), or null when it never registered or fell silent since. */
    public String registration(String workerId) {
        return redis.opsForValue().get(keys.worker(workerId));
    }

    /** How many leases the worker holds. */
    public int held(String workerId) {
        Long held = redis.opsForZSet().zCard(keys.leases(workerId));
        return held == null ? 0 : held.intValue();
    }

    public enum Taken { TAKEN, GONE, FULL }

    /** The outcome of {@link #take}, with the lease's expiry (ms) when taken. */
    public record Take(Taken outcome, long expiresAt) {
    }

    /** See {@link #TAKE}. */
    public Take take(String queue, String taskId, String workerId, String leaseId, int capacity, long leaseMillis) {
        Long result = redis.execute(TAKE, List.of(queue, keys.leases(workerId)), taskId, leaseId,
                Integer.toString(capacity), Long.toString(leaseMillis));
        long value = result == null ? 0 : result;
        return new Take(value > 0 ? Taken.TAKEN : value == 0 ? Taken.GONE : Taken.FULL, Math.max(0, value));
    }

    /** The new expiry (ms), or -1 when the worker holds no such live lease (see {@link #EXTEND}). */
    public long extend(String workerId, String leaseId, long leaseMillis) {
        Long expiry = redis.execute(EXTEND, List.of(keys.leases(workerId)), leaseId, Long.toString(leaseMillis));
        return expiry == null ? -1 : expiry;
    }

    /** Whether the worker holds this lease and it has not expired, at Redis's time. */
    public boolean live(String workerId, String leaseId) {
        Double expiry = redis.opsForZSet().score(keys.leases(workerId), leaseId);
        return expiry != null && expiry >= redisNow();
    }

    /** Whether the worker holds this lease, expired or not. */
    public boolean holds(String workerId, String leaseId) {
        return redis.opsForZSet().score(keys.leases(workerId), leaseId) != null;
    }

    /**
     * Puts back a lease Redis lost (RedisRecovery), for a lease time from now; the worker counts as heard from now,
     * so that it has its worker timeout to send its next heartbeat.
     */
    public void restore(String workerId, String leaseId) {
        long now = redisNow();
        redis.opsForZSet().add(keys.leases(workerId), leaseId, now + workers.leaseTime().toMillis());
        redis.opsForZSet().addIfAbsent(keys.workers(), workerId, now);
    }

    /** The lease ends: its report is stored, or its task was cancelled. */
    public void release(String workerId, String leaseId) {
        redis.opsForZSet().remove(keys.leases(workerId), leaseId);
    }

    /**
     * Moves expired leases, and all leases of workers silent for caravan.workers.worker-timeout, into this node's
     * reclaiming list ("worker|taskId:attempt|expired" or "|silent"), for failover to put their tasks back.
     */
    public long reclaim() {
        Set<String> known = redis.opsForZSet().range(keys.workers(), 0, -1);
        long moved = 0;
        for (String workerId : known == null ? Set.<String>of() : known) {
            Long count = redis.execute(RECLAIM, List.of(keys.leases(workerId), keys.workers(), keys.reclaiming(nodeId)),
                    workerId, Long.toString(workers.workerTimeout().toMillis()), ReclaimedEntry.EXPIRED,
                    ReclaimedEntry.SILENT);
            moved += count == null ? 0 : count;
        }
        return moved;
    }

    private long redisNow() {
        Long now = redis.execute((RedisCallback<Long>) c -> c.serverCommands().time());
        return now == null ? System.currentTimeMillis() : now;
    }
}
