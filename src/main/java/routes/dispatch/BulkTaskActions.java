package routes.dispatch;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import routes.config.ControlRole;
import routes.domain.Conflict;
import routes.domain.NotFound;
import routes.task.TaskFilter;
import routes.task.TaskQueries;
import routes.task.TaskStore;
import routes.task.TaskView;

/**
 * Retry or cancel every task a list filter keeps (the dead-letter view first of all), each exactly as the single
 * retry or cancel does it, at most {@value #MAX} tasks per call, oldest first. A task the action does not apply to
 * (a retry of a task that has not ended badly, a cancel of one that has ended) is skipped, not an error.
 */
@Component
@ControlRole
public class BulkTaskActions {

    /** The most tasks one call acts on; a caller with more calls again (the done ones no longer match). */
    public static final int MAX = 1000;

    private static final Logger log = LoggerFactory.getLogger(BulkTaskActions.class);

    private final TaskQueries queries;
    private final TaskStore store;
    private final TaskQueues queues;

    public BulkTaskActions(TaskQueries queries, TaskStore store, TaskQueues queues) {
        this.queries = queries;
        this.store = store;
        this.queues = queues;
    }

    /** Runs again each FAILED, TIMED_OUT or CANCELLED task the filter keeps, back in its queue. */
    public BulkOutcome retry(TaskFilter filter) {
        return each(filter, "retry", id -> {
            TaskView task = store.retry(id);
            queues.enqueue(task);
            return task;
        });
    }

    /** Cancels each task the filter keeps that has not ended: out of its queue or inbox, or killed where it runs. */
    public BulkOutcome cancel(TaskFilter filter) {
        return each(filter, "cancel", id -> {
            TaskView task = store.cancel(id);
            queues.withdraw(task);
            return task;
        });
    }

    /**
     * Cancels each of these tasks that has not ended, for this reason: out of its queue or inbox, or killed where it
     * runs (a workflow's, once its waiting tasks were cancelled). Returns how many it cancelled.
     */
    public int cancel(List<String> taskIds, String reason) {
        int cancelled = 0;
        for (String id : taskIds) {
            Optional<TaskView> task = store.cancelIfAlive(id, reason);
            if (task.isPresent()) {
                queues.withdraw(task.get());
                cancelled++;
            }
        }
        return cancelled;
    }

    private BulkOutcome each(TaskFilter filter, String action, Function<String, TaskView> act) {
        TaskQueries.Matched matched = queries.matching(filter, MAX);
        int done = 0;
        int skipped = 0;
        for (String id : matched.ids()) {
            try {
                act.apply(id);
                done++;
            } catch (Conflict | NotFound notApplicable) {
                skipped++;
            }
        }
        log.info("Bulk {} of {}: {} matched, {} done, {} skipped", action, filter, matched.total(), done, skipped);
        return new BulkOutcome(matched.total(), done, skipped, MAX);
    }
}
