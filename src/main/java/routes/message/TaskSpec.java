package routes.message;

import java.util.List;
import java.util.Map;

/**
 * What to run and where: a validated submission. Stored as JSON in SQL (the record) and in Redis (for the
 * dispatcher and the agent, which has no database).
 *
 * @param command argument vector run without a shell; null when {@code shell} is given
 * @param shell   script run with {@code /bin/sh -c}; null when {@code command} is given
 * @param agent   the one agent allowed to run it, or null
 * @param retry   attempts and backoff; null (as stored before retries existed) means one attempt
 * @param target  {@value #ALL}: one run on every live agent that takes the type and labels (a broadcast, made of
 *                one task pinned to each of them); null: one run on one agent
 * @param code    the code version it needs: it runs only on agents that hold it; null when it needs none
 * @param callback the url that hears how the task ended (a signed POST of its final view), or null
 */
public record TaskSpec(String type, List<String> command, String shell, Map<String, String> env, String workdir,
                       int timeoutSeconds, String priority, Map<String, String> labels, String agent,
                       RetryPolicy retry, String target, CodeVersion code, String callback) {

    public RetryPolicy retryPolicy() {
        return retry == null ? RetryPolicy.NONE : retry;
    }

    public boolean broadcast() {
        return ALL.equals(target);
    }

    /** One of a broadcast's tasks: this task, pinned to the agent. */
    public TaskSpec pinnedTo(String agentId) {
        return new TaskSpec(type, command, shell, env, workdir, timeoutSeconds, priority, labels, agentId, retry, null, code, callback);
    }

    public static final String ALL = "all";
    public static final String URGENT = "urgent";
    public static final String NORMAL = "normal";
}
