package routes.resident;

import java.time.Duration;
import routes.message.TaskSpec;

/**
 * A validated resident definition.
 *
 * @param instances      how many instances to keep alive (0 stops them all but keeps the definition)
 * @param task           what each instance runs
 * @param restartBackoff wait before an instance that ended is replaced; doubles for each instance in a row that
 *                       ended soon after it started
 * @param maxBackoff     the longest that wait gets
 */
public record ResidentSpec(String name, int instances, TaskSpec task, Duration restartBackoff, Duration maxBackoff) {
}
