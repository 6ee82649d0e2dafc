package routes.task;

/** A submission that passed validation: the spec and its optional idempotency key. */
public record NewTask(TaskSpec spec, String key) {
}
