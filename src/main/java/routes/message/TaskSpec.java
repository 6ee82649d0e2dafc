package routes.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;
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
 * @param payload work for a worker of its type (any JSON), leased over /api/workers and never sent to an agent;
 *                null for a command task (then {@code command} or {@code shell} is given)
 * @param callback the url that hears how the task ended (a signed POST of its final view), or null
 */
public record TaskSpec(String type, List<String> command, String shell, Map<String, String> env, String workdir,
                       int timeoutSeconds, String priority, Map<String, String> labels, String agent,
                       RetryPolicy retry, String target, CodeVersion code,
                       @JsonInclude(JsonInclude.Include.NON_NULL)
                       @Schema(description = "work for a worker (any JSON)", implementation = Object.class,
                               additionalProperties = Schema.AdditionalPropertiesValue.TRUE) JsonNode payload,
                       String callback) {

    public RetryPolicy retryPolicy() {
        return retry == null ? RetryPolicy.NONE : retry;
    }

    public boolean broadcast() {
        return ALL.equals(target);
    }

    /** One of a broadcast's tasks: this task, pinned to the agent. */
    public TaskSpec pinnedTo(String agentId) {
        return new TaskSpec(type, command, shell, env, workdir, timeoutSeconds, priority, labels, agentId, retry, null, code, payload,
                callback);
    }

    /** This task with another environment (a workflow's task is given its parents' results so). */
    public TaskSpec withEnv(Map<String, String> otherEnv) {
        return new TaskSpec(type, command, shell, otherEnv, workdir, timeoutSeconds, priority, labels, agent, retry, target,
                code, payload, callback);
    }

    /** This task with another payload (a workflow's payload task is given its parents' results in it). */
    public TaskSpec withPayload(JsonNode otherPayload) {
        return new TaskSpec(type, command, shell, env, workdir, timeoutSeconds, priority, labels, agent, retry, target,
                code, otherPayload, callback);
    }

    /** Work for a worker (a payload), not a process for an agent. */
    public boolean forWorker() {
        return payload != null;
    }

    public static final String ALL = "all";
    public static final String URGENT = "urgent";
    public static final String NORMAL = "normal";
}
