package routes.dispatch;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.redis.RedisKeys;
import routes.task.ReleasedTasks;
import routes.task.TaskView;

/**
 * Puts the tasks of a workflow that its parents released (WAITING → QUEUED, committed) into their queues, as a
 * submission does, and wakes the dispatchers of every control node through the wake channel. When Redis cannot be
 * reached now, the tasks are still QUEUED in SQL: the reconciler queues them (redis-recovery.yaml), and a restore puts
 * back every QUEUED task after Redis lost its keys.
 */
@Component
@ControlRole
public class ReleasedTaskHandoff implements ReleasedTasks {

    private static final Logger log = LoggerFactory.getLogger(ReleasedTaskHandoff.class);

    private final TaskQueues queues;
    private final StringRedisTemplate redis;
    private final RedisKeys keys;

    public ReleasedTaskHandoff(TaskQueues queues, StringRedisTemplate redis, RedisKeys keys) {
        this.queues = queues;
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public void handOver(List<TaskView> tasks) {
        try {
            queues.enqueueAll(tasks);
            redis.convertAndSend(keys.wakeChannel(), "released");
        } catch (RuntimeException e) {
            log.warn("Could not queue {} tasks released by their parents ({}); they are QUEUED in SQL, and the"
                    + " reconciler queues them", tasks.size(), e.toString());
        }
    }
}
