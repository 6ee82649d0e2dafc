package routes.redis;

import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.ControlProperties;
import routes.config.ControlRole;

/**
 * Control nodes' liveness, as agents have it: each node heartbeats into a sorted set at Redis's own time. A node
 * silent past {@code caravan.control.node-timeout} is dead, and what it had taken and not finished, the reports it
 * was storing and the tasks it was re-queueing, is adopted by one live node: the reports go back to the head of the
 * results list, the reclaimed tasks to the hand-back list, for any node to take as usual. Stale ones are fenced
 * there like any other (a report for an attempt that is no longer current is recorded as ignored).
 */
@Component
@ControlRole
public class ControlNodes {

    /**
     * Records a heartbeat at Redis's time and looks at the others' in the same step. KEYS[1] control nodes sorted
     * set; ARGV[1] node id, ARGV[2] silence (ms) that makes a node dead. Returns the ids of the nodes silent for
     * longer.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> BEAT = RedisScript.of("""
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[2])))
            """, List.class);

    /**
     * Adopts a dead node's pending work, once: checks again, atomically, that it is still silent, then moves its
     * ingesting list to the head of the results list (in its order) and its reclaiming list to the hand-back list,
     * and forgets the node. KEYS[1] control nodes, KEYS[2] its ingesting list, KEYS[3] results list, KEYS[4] its
     * reclaiming list, KEYS[5] hand-back list; ARGV[1] node id, ARGV[2] silence (ms). Returns the entries moved,
     * or -1 when the node is alive after all.
     */
    private static final RedisScript<Long> ADOPT = RedisScript.of("""
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local beat = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if not beat or tonumber(beat) >= now - tonumber(ARGV[2]) then
              return -1
            end
            local moved = 0
            while redis.call('RPOPLPUSH', KEYS[2], KEYS[3]) do
              moved = moved + 1
            end
            while redis.call('LMOVE', KEYS[4], KEYS[5], 'LEFT', 'RIGHT') do
              moved = moved + 1
            end
            redis.call('ZREM', KEYS[1], ARGV[1])
            return moved
            """, Long.class);

    /** A dead node whose work this node adopted. */
    public record Adopted(String node, long entries) {
    }

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final ControlProperties control;

    public ControlNodes(StringRedisTemplate redis, RedisKeys keys, ControlProperties control) {
        this.redis = redis;
        this.keys = keys;
        this.control = control;
    }

    /** This node is alive; returns the nodes that are not (silent past the node timeout). */
    @SuppressWarnings("unchecked")
    public List<String> beat() {
        List<String> silent = redis.execute(BEAT, List.of(keys.controls()), control.nodeId(),
                Long.toString(control.nodeTimeout().toMillis()));
        return silent == null ? List.of() : silent;
    }

    /** Adopts the pending work of these dead control nodes; returns what it adopted. */
    public List<Adopted> adoptDead(List<String> silent) {
        String silence = Long.toString(control.nodeTimeout().toMillis());
        List<Adopted> adopted = new ArrayList<>();
        for (String node : silent) {
            if (node.equals(control.nodeId())) {
                continue;
            }
            Long moved = redis.execute(ADOPT, List.of(keys.controls(), keys.resultsIngesting(node), keys.results(),
                    keys.reclaiming(node), keys.handedBack()), node, silence);
            if (moved != null && moved >= 0) {
                adopted.add(new Adopted(node, moved));
            }
        }
        return adopted;
    }
}
