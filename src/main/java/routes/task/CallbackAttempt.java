package routes.task;

/**
 * A callback this node has taken to attempt now.
 *
 * @param id           the callback (task_callbacks.id); what the receiver gets as Caravan-Delivery
 * @param taskId       the task that ended
 * @param url          where it goes, as the task named it
 * @param body         the task's view as it ended (JSON): what the receiver gets
 * @param endedState   how the task ended (SUCCEEDED, FAILED, TIMED_OUT, CANCELLED)
 * @param endedAttempt the task's attempt when it ended
 * @param attempt      which attempt of the callback this is, from 1
 * @param startedAt    when the attempt began (epoch millis)
 */
public record CallbackAttempt(long id, String taskId, String url, String body, String endedState, int endedAttempt,
                              int attempt, long startedAt) {
}
