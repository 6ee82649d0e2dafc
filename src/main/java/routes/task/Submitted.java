package routes.task;

/** The answer to a submission: the task, and whether this request created it (false: its key was known). */
public record Submitted(TaskView task, boolean created) {
}
