package routes.task;

import routes.domain.Page;
import routes.message.TaskState;

/**
 * Which tasks a list shows, and which page of them, newest first. Each filter that is given (not null) narrows it.
 *
 * @param job       only the tasks this job made
 * @param broadcast only the tasks of this broadcast
 * @param resident  only the instances of this resident
 * @param key       only the task submitted with this idempotency key (of any type)
 * @param exhausted true: only the tasks that ended failed with no attempt left (the dead-letter view); false: the others
 * @param workflow  only the tasks of this workflow
 */
public record TaskFilter(TaskState state, String type, String agent, String job, String broadcast, String resident,
                         String key, Boolean exhausted, String workflow, Page page) {

    /** The runs of one job, in one state if it is given. */
    public static TaskFilter runsOf(String jobId, TaskState state, Page page) {
        return new TaskFilter(state, null, null, jobId, null, null, null, null, null, page);
    }
}
