package routes.repair;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import routes.code.VersionCatalog;
import routes.config.ControlRole;
import routes.config.JsonCodec;
import routes.dispatch.TaskQueues;
import routes.fleet.DrainRequests;
import routes.message.DueRetry;
import routes.message.InboxEntry;
import routes.message.TaskState;
import routes.redis.AgentRegistry;
import routes.redis.LeaseBook;
import routes.redis.RedisKeys;
import routes.redis.RetryQueue;
import routes.task.TaskQueries;
import routes.task.TaskView;

/**
 * Puts back what Redis lost when it restarted empty or was flushed, from SQL: queued tasks into their queues,
 * dispatched and running ones into their agents' inboxes (an agent that runs or ran that attempt already does not
 * run it again: it reports it), payload tasks leased to workers into those workers' leases (a fresh lease time from
 * now: the worker extends or reports it as before, or it expires), waiting retries into the retries set, operators' drain requests and the
 * registered code versions into theirs. One control node does it: the one that sets the marker.
 */
@Component
@ControlRole
public class RedisRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(RedisRecovery.class);

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final JsonCodec json;
    private final TaskQueries tasks;
    private final TaskQueues queues;
    private final RetryQueue retries;
    private final DrainRequests drains;
    private final VersionCatalog versions;
    private final AgentRegistry agents;
    private final LeaseBook leases;
    private final Counter restores;
    private final Counter restoredTasks;
    private final Clock clock = Clock.systemUTC();

    public RedisRecovery(StringRedisTemplate redis, RedisKeys keys, JsonCodec json, TaskQueries tasks, TaskQueues queues,
                         RetryQueue retries, DrainRequests drains, AgentRegistry agents, LeaseBook leases,
                         VersionCatalog versions, MeterRegistry meters) {
        this.leases = leases;
        this.restores = Counter.builder("caravan.redis.restores")
                .description("times Redis had lost tasks and they were restored from SQL").register(meters);
        this.restoredTasks = Counter.builder("caravan.redis.restored.tasks")
                .description("tasks put back into Redis from SQL by restores").register(meters);
        this.versions = versions;
        this.agents = agents;
        this.drains = drains;
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.tasks = tasks;
        this.queues = queues;
        this.retries = retries;
    }

    /** Restores Redis from SQL if it lost its keys since it was last restored; returns the tasks put back. */
    public int restoreIfLost() {
        // set before restoring: a loss during the restoring shows at the next check
        if (!Boolean.TRUE.equals(redis.opsForValue().setIfAbsent(keys.restored(), Long.toString(clock.millis())))) {
            return 0;
        }
        // first what tells agents not to take work, before there is work to take
        drains.restore();
        // only what is missing is put back, so a restore over a Redis that had not lost everything (the marker
        // alone was gone, or this is the first start, with tasks being submitted) adds no second entry for a task
        int queued = queues.enqueueMissing(tasks.inStates(TaskState.QUEUED));
        List<TaskView> held = tasks.inStates(TaskState.DISPATCHED, TaskState.RUNNING).stream()
                .filter(task -> !(task.spec().forWorker() ? leases.holds(task.agent(), InboxEntry.format(task.id(),
                        task.attempt())) : agents.holds(task.agent(), InboxEntry.format(task.id(), task.attempt()))))
                .toList();
        Long now = held.isEmpty() ? null : redis.execute((RedisCallback<Long>) c -> c.serverCommands().time());
        for (TaskView task : held) {
            redis.opsForValue().set(keys.task(task.id()), json.write(task.spec()));
            if (task.spec().forWorker()) {
                leases.restore(task.agent(), InboxEntry.format(task.id(), task.attempt()));
                continue;
            }
            redis.opsForList().rightPush(keys.inbox(task.agent()), InboxEntry.format(task.id(), task.attempt()));
            // an agent that died while Redis was away sends no heartbeat to be missed: known from now, it is
            // declared dead after the timeout like any other, and its tasks go elsewhere
            redis.opsForZSet().addIfAbsent(keys.agents(), task.agent(), now);
        }
        List<TaskView> waiting = tasks.inStates(TaskState.RETRYING);
        retries.schedule(waiting.stream().map(t -> new DueRetry(t.id(), t.retryAt().toEpochMilli())).toList());
        versions.restore();
        int restored = queued + held.size() + waiting.size();
        if (restored > 0) {
            restores.increment();
            restoredTasks.increment(restored);
            LOG.warn("Redis had lost its keys: restored from SQL {} queued tasks, {} dispatched or running (back in"
                    + " their agents' inboxes) and {} waiting for a retry", queued, held.size(), waiting.size());
        }
        return restored;
    }

}
