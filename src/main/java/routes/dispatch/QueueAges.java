package routes.dispatch;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.task.TaskQueries;

/**
 * Every queue's depth and the age of the task at its head (its oldest), for the dashboard and the metrics: the queues
 * in one Redis round trip, the heads' creation times in one query.
 */
@Component
@ControlRole
public class QueueAges {

    /** A queue's depth and the age of its oldest task (ms since it was created; null when the queue is empty). */
    public record QueueAge(String type, String priority, long depth, Long oldestAgeMillis) {
    }

    private final TaskQueues queues;
    private final TaskQueries tasks;

    public QueueAges(TaskQueues queues, TaskQueries tasks) {
        this.queues = queues;
        this.tasks = tasks;
    }

    /** As of {@code now} (epoch ms). */
    public List<QueueAge> at(long now) {
        List<TaskQueues.QueueHead> heads = queues.headsOfQueues();
        Map<String, Long> created = tasks.createdAt(heads.stream().map(TaskQueues.QueueHead::head)
                .filter(Objects::nonNull).toList());
        return heads.stream().map(head -> {
            Long since = head.head() == null ? null : created.get(head.head());
            return new QueueAge(head.type(), head.priority(), head.depth(), since == null ? null : Math.max(0, now - since));
        }).toList();
    }
}
