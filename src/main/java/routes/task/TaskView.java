package routes.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import routes.message.CodeVersion;
import routes.message.RetryPolicy;
import routes.message.SecretEnv;
import routes.message.TaskSpec;

/**
 * A task as the API shows it. {@code events} and the current attempt's {@code output} (its fields stdout, stderr,
 * stdoutTruncated and stderrTruncated, side by side with the others) are present on the single-task view only, and
 * there {@code waitingBecause}, in words, while it waits in its queue; env values of secret-looking names are shown
 * masked ({@link SecretEnv}). A payload task shows its {@code payload} (and no command); {@code agent} is then the
 * worker that holds its lease. {@code callback}, the url that hears how the task ended, is there when it names one;
 * {@code workflowId} when the task is a node of a workflow.
 */
public record TaskView(String id, String type, String priority, String state, String key, String agent, int attempt,
                       List<String> command, String shell,
                       @JsonSerialize(converter = SecretEnv.MaskedMap.class) Map<String, String> env, String workdir,
                       int timeoutSeconds, Map<String, String> labels, String pinnedAgent, RetryPolicy retry,
                       @JsonInclude(JsonInclude.Include.NON_NULL) CodeVersion code,
                       @JsonInclude(JsonInclude.Include.NON_NULL)
                       @Schema(description = "a payload task's payload (any JSON)", implementation = Object.class,
                               additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
                       JsonNode payload,
                       Integer exitCode, @JsonUnwrapped RecordedOutput output, String message, Instant createdAt,
                       Instant dispatchedAt, Instant startedAt, Instant finishedAt,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Instant retryAt, boolean exhausted,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String jobId,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Instant scheduledAt,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String broadcastId,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String residentId,
                       @JsonInclude(JsonInclude.Include.NON_NULL) List<TaskEvent> events,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String waitingBecause,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String callback,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String workflowId) {

    /** For a job's run: how long after its scheduled time it started (null until it starts). */
    @JsonProperty
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public Long startLatenessMillis() {
        return scheduledAt == null || startedAt == null ? null : startedAt.toEpochMilli() - scheduledAt.toEpochMilli();
    }

    /** What to run and where, as submitted. */
    public TaskSpec spec() {
        return new TaskSpec(type, command, shell, env, workdir, timeoutSeconds, priority, labels, pinnedAgent, retry, null, code, payload,
                callback);
    }

    /** The single-task view: with its event log and what its current attempt wrote. */
    public TaskView withEventsAndOutput(List<TaskEvent> events, RecordedOutput output) {
        return new TaskView(id, type, priority, state, key, agent, attempt, command, shell, env, workdir,
                timeoutSeconds, labels, pinnedAgent, retry, code, payload, exitCode, output,
                message, createdAt, dispatchedAt, startedAt, finishedAt, retryAt, exhausted, jobId, scheduledAt, broadcastId,
                residentId, events, waitingBecause, callback, workflowId);
    }

    /** The single-task view with why the task still waits in its queue (null unless it does). */
    public TaskView waitingBecause(String why) {
        return new TaskView(id, type, priority, state, key, agent, attempt, command, shell, env, workdir,
                timeoutSeconds, labels, pinnedAgent, retry, code, payload, exitCode, output,
                message, createdAt, dispatchedAt, startedAt, finishedAt, retryAt, exhausted, jobId, scheduledAt, broadcastId,
                residentId, events, why, callback, workflowId);
    }
}
