package routes.task;

import routes.message.TaskSpec;

/** A submission that passed validation: the spec and its optional idempotency key. */
public record NewTask(TaskSpec spec, String key) {
}
