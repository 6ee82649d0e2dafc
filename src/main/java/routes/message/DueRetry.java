package routes.message;

/** A task waiting for a retry, as the retries set holds it: its id, scored by when the retry is due (epoch ms). */
public record DueRetry(String taskId, long at) {
}
