package routes.task;

/** A task just cancelled, with the state it left, so its traces in Redis can be withdrawn. */
public record Cancellation(TaskView task, TaskState previous) {
}
