package routes.task;

import java.util.List;

/**
 * The answer to a workflow's submission: the workflow, whether this request made it (false: its key was known), and
 * the tasks it made QUEUED (those without parents), for their queues.
 */
public record SubmittedWorkflow(WorkflowView workflow, boolean created, List<TaskView> queued) {
}
