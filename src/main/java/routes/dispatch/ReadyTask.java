package routes.dispatch;

import routes.message.TaskSpec;

/** A task waiting in a queue, as the dispatcher considers it. */
public record ReadyTask(String id, TaskSpec spec) {
}
