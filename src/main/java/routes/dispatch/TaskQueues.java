package routes.dispatch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.data.redis.connection.StringRedisConnection;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.message.InboxEntry;
import routes.message.TaskSpec;
import routes.message.TaskState;
import routes.redis.RedisKeys;
import routes.task.Submitted;
import routes.task.TaskQueries.Undispatched;
import routes.task.TaskView;

/**
 * Control's side of the hot path: ready queues per type and priority, and the atomic move of a task from its
 * queue into an agent's inbox.
 */
@Component
@ControlRole
public class TaskQueues {

    /** Priorities in the order the dispatcher serves them. */
    public static final List<String> PRIORITIES = List.of(TaskSpec.URGENT, TaskSpec.NORMAL);

    /**
     * Makes tasks ready. KEYS[1] types set, then per task its spec key and its queue; ARGV[1] "all", or "missing" to
     * queue only the tasks whose run specification is not in Redis (a task that has it is in a queue or an agent's
     * lists already: the two are written together); then per task: spec JSON, type, task id. Returns how many it
     * queued.
     */
    private static final RedisScript<Long> ENQUEUE = RedisScript.of("""
            local queued = 0
            for i = 0, (#ARGV - 1) / 3 - 1 do
              local spec, set = KEYS[2 + 2 * i], nil
              if ARGV[1] == 'missing' then
                set = redis.call('SET', spec, ARGV[2 + 3 * i], 'NX')
              else
                set = redis.call('SET', spec, ARGV[2 + 3 * i])
              end
              if set then
                redis.call('SADD', KEYS[1], ARGV[3 + 3 * i])
                redis.call('RPUSH', KEYS[3 + 2 * i], ARGV[4 + 3 * i])
                queued = queued + 1
              end
            end
            return queued
            """, Long.class);
    private static final int ENQUEUE_CHUNK = 200;

    /**
     * Moves tasks from their queues into agents' inboxes, each if its agent has a free slot. For task i (from 0):
     * KEYS[3i+1] queue, KEYS[3i+2] inbox, KEYS[3i+3] in-flight list; ARGV[3i+1] task id, ARGV[3i+2] agent slots,
     * ARGV[3i+3] inbox entry "id:attempt". Returns for each 1 placed, 0 the task is no longer in the queue, -1 the
     * agent has no free slot.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> PLACE_ALL = RedisScript.of("""
            local placed = {}
            for i = 0, #ARGV / 3 - 1 do
              local queue, inbox, inflight = KEYS[3 * i + 1], KEYS[3 * i + 2], KEYS[3 * i + 3]
              if redis.call('LLEN', inbox) + redis.call('LLEN', inflight) >= tonumber(ARGV[3 * i + 2]) then
                placed[i + 1] = -1
              elseif redis.call('LREM', queue, 1, ARGV[3 * i + 1]) == 0 then
                placed[i + 1] = 0
              else
                redis.call('RPUSH', inbox, ARGV[3 * i + 3])
                placed[i + 1] = 1
              end
            end
            return placed
            """, List.class);

    /**
     * Finishes a placement a control node began and did not end (it claimed the task in SQL, then died before the
     * move). KEYS[1] queue, KEYS[2] inbox, KEYS[3] in-flight list, KEYS[4] agents sorted set; ARGV[1] task id,
     * ARGV[2] inbox entry, ARGV[3] agent id. Moves the id from the queue to the inbox unless the agent holds the
     * entry already, and makes the agent known (an agent that is gone is then declared dead and its inbox taken
     * back, as any). Returns 1 when it moved.
     */
    private static final RedisScript<Long> COMPLETE_PLACEMENT = RedisScript.of("""
            if redis.call('LPOS', KEYS[2], ARGV[2]) or redis.call('LPOS', KEYS[3], ARGV[2]) then
              return 0
            end
            if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
              return 0
            end
            redis.call('RPUSH', KEYS[2], ARGV[2])
            local t = redis.call('TIME')
            redis.call('ZADD', KEYS[4], 'NX', t[1] * 1000 + math.floor(t[2] / 1000), ARGV[3])
            return 1
            """, Long.class);

    /**
     * Which of these QUEUED tasks of one queue are missing from it, looking where each would be: at the tail, where
     * it was put when its last event was written, behind it only tasks put there since (the caller's window covers
     * them). KEYS[1] the queue; ARGV[1] how many entries at the tail to read; ARGV[2..] task ids. An id not in the
     * window is looked for in the whole queue. Returns 1 (missing) or 0 for each id.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> MISSING_FROM_QUEUE = RedisScript.of("""
            local tail = {}
            for _, id in ipairs(redis.call('LRANGE', KEYS[1], -tonumber(ARGV[1]), -1)) do
              tail[id] = true
            end
            local out = {}
            for i = 2, #ARGV do
              out[i - 1] = (tail[ARGV[i]] or redis.call('LPOS', KEYS[1], ARGV[i], 'RANK', -1)) and 0 or 1
            end
            return out
            """, List.class);

    /**
     * Which of these DISPATCHED tasks never left their queue: the entry is in neither the agent's inbox nor its
     * in-flight list, and the id is still among the first 1,000 of its queue (it was claimed within the dispatcher's
     * window at the head, and nothing is put in front of it; one further back is left to the reconciler's full
     * pass). For task i (from 0): KEYS[3i+1] queue, KEYS[3i+2] inbox, KEYS[3i+3] in-flight list; ARGV[2i+1] task
     * id, ARGV[2i+2] its inbox entry. Returns 1 (never left) or 0 for each.
     */
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> NEVER_HANDED_OVER = RedisScript.of("""
            local out = {}
            for i = 0, #ARGV / 2 - 1 do
              local queue, inbox, inflight = KEYS[3 * i + 1], KEYS[3 * i + 2], KEYS[3 * i + 3]
              local id, entry = ARGV[2 * i + 1], ARGV[2 * i + 2]
              if redis.call('LPOS', inbox, entry) or redis.call('LPOS', inflight, entry) then
                out[i + 1] = 0
              else
                out[i + 1] = redis.call('LPOS', queue, id, 'MAXLEN', 1000) and 1 or 0
              end
            end
            return out
            """, List.class);
    private static final int OUT_OF_STEP_CHUNK = 200;

    public enum Placement { PLACED, GONE, AGENT_FULL }

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;

    private static final long TYPES_READ_MILLIS = 10_000;
    private volatile Set<String> knownTypes;
    private volatile long typesReadAt;

    public TaskQueues(StringRedisTemplate redis, RedisKeys keys, JsonCodec json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    /** Puts newly created tasks in their queues; tasks found by their key are queued already. */
    public void enqueue(List<Submitted> submitted) {
        enqueueAll(submitted.stream().filter(Submitted::created).map(Submitted::task).toList());
    }

    public void enqueue(TaskView task) {
        enqueueAll(List.of(task));
    }

    /** Puts new tasks in their queues, a few hundred per round trip. */
    public void enqueueAll(List<TaskView> tasks) {
        enqueue("all", tasks);
    }

    /**
     * Puts the tasks that Redis does not hold in their queues (a restore from SQL): a task submitted or dispatched
     * meanwhile is not queued twice. Returns how many it queued.
     */
    public int enqueueMissing(List<TaskView> tasks) {
        return enqueue("missing", tasks);
    }

    private int enqueue(String which, List<TaskView> tasks) {
        Set<String> types = knownTypes;
        if (types != null && tasks.stream().anyMatch(task -> !types.contains(task.type()))) {
            knownTypes = null;
        }
        int queued = 0;
        for (int from = 0; from < tasks.size(); from += ENQUEUE_CHUNK) {
            List<TaskView> chunk = tasks.subList(from, Math.min(tasks.size(), from + ENQUEUE_CHUNK));
            List<String> scriptKeys = new ArrayList<>(1 + 2 * chunk.size());
            List<String> args = new ArrayList<>(1 + 3 * chunk.size());
            scriptKeys.add(keys.types());
            args.add(which);
            for (TaskView task : chunk) {
                scriptKeys.add(keys.task(task.id()));
                scriptKeys.add(keys.queue(task.type(), task.priority()));
                args.add(json.write(task.spec()));
                args.add(task.type());
                args.add(task.id());
            }
            Long count = redis.execute(ENQUEUE, scriptKeys, args.toArray());
            queued += count == null ? 0 : count.intValue();
        }
        return queued;
    }

    /** Task types that have queues, sorted. */
    public Set<String> types() {
        Set<String> types = redis.opsForSet().members(keys.types());
        return types == null ? Set.of() : new TreeSet<>(types);
    }

    /** The ids of every task in any queue. */
    public Set<String> queuedIds() {
        Set<String> ids = new HashSet<>();
        for (String type : types()) {
            for (String priority : PRIORITIES) {
                List<String> queue = redis.opsForList().range(keys.queue(type, priority), 0, -1);
                if (queue != null) {
                    ids.addAll(queue);
                }
            }
        }
        return ids;
    }

    /**
     * Up to {@code count} tasks waiting in a queue from position {@code from}, with their run specifications. An id
     * whose run specification is gone is left over from a task that has ended (a restore from SQL raced its dispatch
     * and queued it twice; a queued task and its specification are always written together): it is dropped from the
     * queue and the range read again, so that such ids never fill the head of a queue.
     */
    public List<ReadyTask> heads(String type, String priority, int from, int count) {
        String queue = keys.queue(type, priority);
        while (true) {
            List<String> ids = redis.opsForList().range(queue, from, from + count - 1);
            if (ids == null || ids.isEmpty()) {
                return List.of();
            }
            List<String> specs = redis.opsForValue().multiGet(ids.stream().map(keys::task).toList());
            if (specs == null) {
                return List.of();
            }
            List<ReadyTask> heads = new ArrayList<>(ids.size());
            List<String> ended = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                String spec = specs.get(i);
                if (spec != null) {
                    heads.add(new ReadyTask(ids.get(i), json.read(spec, TaskSpec.class)));
                } else {
                    ended.add(ids.get(i));
                }
            }
            if (ended.isEmpty()) {
                return heads;
            }
            redis.executePipelined((RedisCallback<Object>) c -> {
                StringRedisConnection connection = (StringRedisConnection) c;
                ended.forEach(id -> connection.lRem(queue, 0, id));
                return null;
            });
        }
    }

    /** A claimed task to move from its queue into its agent's inbox. */
    public record Move(String taskId, String type, String priority, String agentId, int slots, int attempt) {
    }

    /** Moves the tasks into their agents' inboxes, in one round trip; returns what became of each, in order. */
    public List<Placement> placeAll(List<Move> moves) {
        if (moves.isEmpty()) {
            return List.of();
        }
        List<String> scriptKeys = new ArrayList<>(3 * moves.size());
        List<String> args = new ArrayList<>(3 * moves.size());
        for (Move move : moves) {
            scriptKeys.addAll(List.of(keys.queue(move.type(), move.priority()), keys.inbox(move.agentId()),
                    keys.inflight(move.agentId())));
            args.addAll(List.of(move.taskId(), Integer.toString(move.slots()),
                    InboxEntry.format(move.taskId(), move.attempt())));
        }
        List<?> placed = redis.execute(PLACE_ALL, scriptKeys, args.toArray());
        List<Placement> placements = new ArrayList<>(moves.size());
        for (int i = 0; i < moves.size(); i++) {
            long answer = placed == null || i >= placed.size() ? 0 : ((Number) placed.get(i)).longValue();
            placements.add(answer == 0 ? Placement.GONE : answer > 0 ? Placement.PLACED : Placement.AGENT_FULL);
        }
        return placements;
    }

    /**
     * The tasks among these that are out of step with their queue, each looked for near where it would be
     * ({@link #MISSING_FROM_QUEUE}: one call per queue, reading its tail as far back as these tasks could be, and
     * {@link #NEVER_HANDED_OVER}, a few hundred per call). For the tasks with an event since some point, nothing
     * else.
     */
    public List<Undispatched> outOfStep(List<Undispatched> tasks) {
        Map<String, List<Undispatched>> byQueue = new LinkedHashMap<>();
        List<Undispatched> claimed = new ArrayList<>();
        for (Undispatched task : tasks) {
            byQueue.computeIfAbsent(keys.queue(task.type(), task.priority()), queue -> new ArrayList<>()).add(task);
            if (!task.state().equals(TaskState.QUEUED.name()) && task.agent() != null) {
                claimed.add(task);
            }
        }
        List<Undispatched> out = new ArrayList<>();
        byQueue.forEach((queue, ofQueue) -> {
            // behind a queued task with an event since the point, only tasks put there since: these tasks, or ones
            // gone on since; the slack covers tasks put back by a restore, which writes no event
            List<Undispatched> queued = ofQueue.stream().filter(t -> t.state().equals(TaskState.QUEUED.name())).toList();
            if (!queued.isEmpty()) {
                List<String> args = new ArrayList<>(1 + queued.size());
                args.add(Integer.toString(ofQueue.size() + 1000));
                queued.forEach(task -> args.add(task.id()));
                flagged(out, queued, redis.execute(MISSING_FROM_QUEUE, List.of(queue), args.toArray()));
            }
        });
        for (int from = 0; from < claimed.size(); from += OUT_OF_STEP_CHUNK) {
            List<Undispatched> chunk = claimed.subList(from, Math.min(claimed.size(), from + OUT_OF_STEP_CHUNK));
            List<String> scriptKeys = new ArrayList<>(3 * chunk.size());
            List<String> args = new ArrayList<>(2 * chunk.size());
            for (Undispatched task : chunk) {
                scriptKeys.addAll(List.of(keys.queue(task.type(), task.priority()), keys.inbox(task.agent()),
                        keys.inflight(task.agent())));
                args.add(task.id());
                args.add(InboxEntry.format(task.id(), task.attempt()));
            }
            flagged(out, chunk, redis.execute(NEVER_HANDED_OVER, scriptKeys, args.toArray()));
        }
        return out;
    }

    private static void flagged(List<Undispatched> out, List<Undispatched> looked, List<?> answers) {
        for (int i = 0; i < looked.size(); i++) {
            if (answers != null && i < answers.size() && ((Number) answers.get(i)).longValue() == 1) {
                out.add(looked.get(i));
            }
        }
    }

    /** See {@link #COMPLETE_PLACEMENT}; true when the task is now in the agent's inbox. */
    public boolean completePlacement(String taskId, String type, String priority, String agentId, int attempt) {
        Long moved = redis.execute(COMPLETE_PLACEMENT,
                List.of(keys.queue(type, priority), keys.inbox(agentId), keys.inflight(agentId), keys.agents()),
                taskId, InboxEntry.format(taskId, attempt), agentId);
        return moved != null && moved > 0;
    }

    /** Drops a task that will not be dispatched again from its queue. */
    public void drop(String taskId, String type, String priority) {
        redis.opsForList().remove(keys.queue(type, priority), 1, taskId);
        redis.delete(keys.task(taskId));
    }

    /** Forgets the run specifications of tasks that have ended. */
    public void forget(List<String> taskIds) {
        if (!taskIds.isEmpty()) {
            redis.delete(taskIds.stream().map(keys::task).toList());
        }
    }

    /**
     * Withdraws a cancelled task wherever it is: its queue, the agent's inbox or the worker's lease; an agent already
     * running it is told to kill it.
     */
    public void withdraw(TaskView task) {
        redis.opsForList().remove(keys.queue(task.type(), task.priority()), 1, task.id());
        if (task.agent() != null) {
            redis.opsForList().remove(keys.inbox(task.agent()), 1, InboxEntry.format(task.id(), task.attempt()));
            // a worker's lease ends with it: the worker's next extension or report is refused
            redis.opsForZSet().remove(keys.leases(task.agent()), InboxEntry.format(task.id(), task.attempt()));
            redis.convertAndSend(keys.cancelChannel(), task.id());
        }
        redis.delete(keys.task(task.id()));
    }

    /**
     * Whether any queue holds a task: every queue's length in one round trip. The task types are read again every
     * {@value #TYPES_READ_MILLIS} ms, and at once after this node queued a type it had not seen.
     */
    public boolean anyQueued() {
        long now = System.currentTimeMillis();
        Set<String> known = knownTypes;
        if (known == null || now - typesReadAt >= TYPES_READ_MILLIS) {
            known = types();
            knownTypes = known;
            typesReadAt = now;
        }
        Set<String> types = known;
        if (types.isEmpty()) {
            return false;
        }
        List<Object> lengths = redis.executePipelined((RedisCallback<Object>) c -> {
            StringRedisConnection connection = (StringRedisConnection) c;
            for (String type : types) {
                for (String priority : PRIORITIES) {
                    connection.lLen(keys.queue(type, priority));
                }
            }
            return null;
        });
        return lengths.stream().anyMatch(length -> length instanceof Long n && n > 0);
    }

    /** A queue's depth and the id of the task at its head (the next to go; null when it is empty). */
    public record QueueHead(String type, String priority, long depth, String head) {
    }

    /** Every queue's depth and head, in one round trip. */
    public List<QueueHead> headsOfQueues() {
        List<String[]> queues = new ArrayList<>();
        for (String type : types()) {
            for (String priority : PRIORITIES) {
                queues.add(new String[] {type, priority});
            }
        }
        if (queues.isEmpty()) {
            return List.of();
        }
        List<Object> replies = redis.executePipelined((RedisCallback<Object>) c -> {
            StringRedisConnection connection = (StringRedisConnection) c;
            for (String[] queue : queues) {
                connection.lLen(keys.queue(queue[0], queue[1]));
                connection.lIndex(keys.queue(queue[0], queue[1]), 0);
            }
            return null;
        });
        List<QueueHead> heads = new ArrayList<>(queues.size());
        for (int i = 0; i < queues.size(); i++) {
            Long depth = (Long) replies.get(2 * i);
            heads.add(new QueueHead(queues.get(i)[0], queues.get(i)[1], depth == null ? 0 : depth,
                    (String) replies.get(2 * i + 1)));
        }
        return heads;
    }

    /** Depth of every queue: [{"type", "urgent", "normal"}]. */
    public List<Map<String, Object>> depths() {
        List<Map<String, Object>> depths = new ArrayList<>();
        for (String type : types()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("type", type);
            for (String priority : PRIORITIES) {
                Long size = redis.opsForList().size(keys.queue(type, priority));
                row.put(priority, size == null ? 0 : size);
            }
            depths.add(row);
        }
        return depths;
    }
}
