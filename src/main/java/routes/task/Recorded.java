package routes.task;

import java.util.List;
import routes.message.DueRetry;

/**
 * What a batch of reports did to the record.
 *
 * @param ended   the tasks that ended (their run specifications are no longer needed in Redis)
 * @param retries the tasks that failed with attempts left, and when each runs again
 */
public record Recorded(List<String> ended, List<DueRetry> retries) {
}
