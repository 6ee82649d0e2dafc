package routes.task;

import java.util.List;

/**
 * Where the tasks a committed change moved from WAITING to QUEUED go: into their queues, with the dispatcher woken (the
 * dispatch package's, which this package cannot depend on). Should that be lost (the node died after the commit), the
 * reconciler queues them as any QUEUED task missing from its queue.
 */
public interface ReleasedTasks {

    void handOver(List<TaskView> tasks);
}
